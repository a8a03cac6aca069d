package io.fednode.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import java.util.List;
import java.util.Map;

/**
 * Validation tests of a CRD on a real API server: send a bad object and check that the API server
 * refuses it the way {@code kubectl apply} shows it, with the HTTP code and a message naming the
 * field, and (for a create) that nothing was stored.
 */
public final class ApiRejections {
    private ApiRejections() {}

    /** HTTP 422: the object breaks the schema or a validation rule. */
    public static final int INVALID = 422;

    /**
     * HTTP 400: under strict field validation, the object has fields the schema does not declare.
     */
    public static final int BAD_REQUEST = 400;

    /**
     * Creates {@code resource} in {@code namespace} and asserts the API server refuses it with
     * {@code code} and a message containing every one of {@code fragments}, and stores nothing.
     */
    public static KubernetesClientException assertCreateRejected(
            KubernetesClient client,
            String namespace,
            GenericKubernetesResource resource,
            int code,
            List<String> fragments) {
        return assertCreateRejected(client, namespace, resource, null, code, fragments);
    }

    /** As above, with the field validation of the request (kubectl's default is strict). */
    public static KubernetesClientException assertCreateRejected(
            KubernetesClient client,
            String namespace,
            GenericKubernetesResource resource,
            FieldValidateable.Validation validation,
            int code,
            List<String> fragments) {
        var op = client.resource(resource).inNamespace(namespace);
        KubernetesClientException e =
                assertRejected(
                        "create",
                        resource,
                        () -> {
                            if (validation == null) {
                                op.create();
                            } else {
                                op.fieldValidation(validation).create();
                            }
                        },
                        code,
                        fragments);
        assertNull(
                client.genericKubernetesResources(resource.getApiVersion(), resource.getKind())
                        .inNamespace(namespace)
                        .withName(resource.getMetadata().getName())
                        .get(),
                "nothing is stored for a rejected " + resource.getKind());
        return e;
    }

    /**
     * Updates {@code resource} (already stored, with its change) in {@code namespace} and asserts
     * the API server refuses the update with {@code code} and every one of {@code fragments}.
     */
    public static KubernetesClientException assertUpdateRejected(
            KubernetesClient client,
            String namespace,
            GenericKubernetesResource resource,
            int code,
            List<String> fragments) {
        return assertRejected(
                "update",
                resource,
                () -> client.resource(resource).inNamespace(namespace).update(),
                code,
                fragments);
    }

    private static KubernetesClientException assertRejected(
            String verb,
            GenericKubernetesResource resource,
            Runnable request,
            int code,
            List<String> fragments) {
        String what = verb + " of " + resource.getKind() + " " + resource.getMetadata().getName();
        try {
            request.run();
        } catch (KubernetesClientException e) {
            assertEquals(code, e.getCode(), () -> what + ": HTTP code; message: " + e.getMessage());
            for (String fragment : fragments) {
                if (e.getMessage() == null || !e.getMessage().contains(fragment)) {
                    fail(
                            what
                                    + ": the API server's message does not name \""
                                    + fragment
                                    + "\": "
                                    + e.getMessage());
                }
            }
            return e;
        }
        return fail(what + " was accepted; expected the API server to refuse it");
    }

    /** The {@code spec} of a resource read from YAML. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> specOf(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    /** The object under {@code key} of a YAML object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }
}
