package io.fednode.e2e.gitops;

import static io.fednode.e2e.gitops.GitopsExamples.at;
import static io.fednode.testing.ApiRejections.BAD_REQUEST;
import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fednode.testing.Commands;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Argo CD and Flux examples of docs/examples/gitops against the upstream CRDs (Argo CD v3.5.7,
 * Flux v2.9.5: {@code tools/fetch-gitops-crds.sh}, from the Go module proxy) on a real
 * kube-apiserver: each object is created with a server-side dry run and strict field validation, so
 * the API server checks it against the upstream OpenAPI schema and refuses unknown fields.
 */
class GitopsExamplesIT {
    private static final List<String> CRDS =
            List.of(
                    "application-crd.yaml",
                    "helm.toolkit.fluxcd.io_helmreleases.yaml",
                    "kustomize.toolkit.fluxcd.io_kustomizations.yaml",
                    "source.toolkit.fluxcd.io_gitrepositories.yaml");

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static KubernetesClient kube;

    @BeforeAll
    static void installUpstreamCrds() {
        kube = API.client();
        Path dir = fetchCrds();
        for (String crd : CRDS) {
            API.installCrd(dir.resolve(crd));
        }
        API.installCrd(
                KubernetesBinaries.repoRoot().resolve("crds/federationnodes.fednode.io-v1.yml"));
    }

    /** Runs the idempotent fetch script (a no-op with a full cache) and returns its directory. */
    private static Path fetchCrds() {
        Path script = KubernetesBinaries.repoRoot().resolve("tools/fetch-gitops-crds.sh");
        Commands.Run r = Commands.run(Duration.ofMinutes(10), List.of(script.toString()));
        System.err.print(r.output()); // its progress lines
        assertThat(r.exit()).as("tools/fetch-gitops-crds.sh: %s", r.output()).isZero();
        return Path.of(r.output().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    private static GenericKubernetesResource generic(Map<String, Object> object) {
        return kube.getKubernetesSerialization()
                .convertValue(object, GenericKubernetesResource.class);
    }

    /**
     * Every object the examples make a GitOps tool create: files and rendered kustomize folders.
     */
    private static List<GenericKubernetesResource> examples() {
        List<GenericKubernetesResource> all = new ArrayList<>();
        for (Path file :
                List.of(
                        GitopsExamples.ARGO_OPERATOR,
                        GitopsExamples.ARGO_SITE,
                        GitopsExamples.FLUX_SOURCE,
                        GitopsExamples.FLUX_OPERATOR,
                        GitopsExamples.FLUX_SITE)) {
            all.add(generic(GitopsExamples.object(file)));
        }
        for (String path : GitopsExamples.KUSTOMIZE_PATHS) {
            GitopsExamples.documents(GitopsExamples.kustomize(path)).stream()
                    .map(GitopsExamplesIT::generic)
                    .forEach(all::add);
        }
        return all;
    }

    private static GenericKubernetesResource dryRunStrict(GenericKubernetesResource r) {
        var op = kube.resource(r);
        String ns = r.getMetadata().getNamespace();
        try {
            return (ns == null ? op : op.inNamespace(ns))
                    .dryRun()
                    .fieldValidation(Validation.STRICT)
                    .create();
        } catch (KubernetesClientException e) {
            throw new AssertionError(
                    "the API server refuses the example "
                            + r.getKind()
                            + " "
                            + r.getMetadata().getName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Whether everything in {@code sent} is in {@code stored} (which may add defaults). */
    private static boolean subset(Object sent, Object stored) {
        if (sent instanceof Map<?, ?> a && stored instanceof Map<?, ?> b) {
            return a.entrySet().stream()
                    .allMatch(
                            e ->
                                    b.containsKey(e.getKey())
                                            && subset(e.getValue(), b.get(e.getKey())));
        }
        if (sent instanceof List<?> a && stored instanceof List<?> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!subset(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return String.valueOf(sent).equals(String.valueOf(stored));
    }

    private static void namespace(String name) {
        if (kube.namespaces().withName(name).get() == null) {
            kube.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(name)
                                    .endMetadata()
                                    .build())
                    .create();
        }
    }

    @Test
    void everyExampleObjectPassesTheUpstreamSchemaStrictly() {
        List<GenericKubernetesResource> examples = examples();
        assertThat(examples)
                .extracting(GenericKubernetesResource::getKind)
                .contains(
                        "Application",
                        "GitRepository",
                        "HelmRelease",
                        "Kustomization",
                        "FederationNode",
                        "Namespace");
        // Namespaces first (a dry run stores nothing), then the ones the other objects live in.
        for (GenericKubernetesResource ns :
                examples.stream().filter(r -> r.getKind().equals("Namespace")).toList()) {
            assertThat(dryRunStrict(ns).getMetadata().getLabels())
                    .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        }
        for (String ns : List.of("argocd", "flux-system", "hospital-a")) {
            namespace(ns);
        }
        for (GenericKubernetesResource r :
                examples.stream().filter(r -> !r.getKind().equals("Namespace")).toList()) {
            GenericKubernetesResource checked = dryRunStrict(r);
            // Defaulted and echoed back, not pruned: what Git holds is what the tool gets.
            assertThat(
                            subset(
                                    r.getAdditionalProperties().get("spec"),
                                    checked.getAdditionalProperties().get("spec")))
                    .as(
                            "%s %s: the stored spec holds all of the example's",
                            r.getKind(), r.getMetadata().getName())
                    .isTrue();
            assertThat(
                            kube.genericKubernetesResources(r.getApiVersion(), r.getKind())
                                    .inNamespace(r.getMetadata().getNamespace())
                                    .withName(r.getMetadata().getName())
                                    .get())
                    .as("a dry run stores nothing")
                    .isNull();
        }
    }

    @Test
    void theServerKeepsTheSyncOptionsAndCrdPolicies() {
        namespace("argocd");
        namespace("flux-system");
        GenericKubernetesResource app =
                dryRunStrict(generic(GitopsExamples.object(GitopsExamples.ARGO_OPERATOR)));
        Map<String, Object> appObject =
                kube.getKubernetesSerialization().convertValue(app, Map.class);
        assertThat(GitopsExamples.<List<String>>at(appObject, "spec", "syncPolicy", "syncOptions"))
                .contains("ServerSideApply=true", "CreateNamespace=true");
        assertThat(
                        GitopsExamples.<Boolean>at(
                                appObject, "spec", "syncPolicy", "automated", "selfHeal"))
                .isTrue();
        GenericKubernetesResource release =
                dryRunStrict(generic(GitopsExamples.object(GitopsExamples.HELM_RELEASE)));
        Map<String, Object> hr = kube.getKubernetesSerialization().convertValue(release, Map.class);
        assertThat(GitopsExamples.<String>at(hr, "spec", "install", "crds"))
                .isEqualTo("CreateReplace");
        assertThat(GitopsExamples.<String>at(hr, "spec", "upgrade", "crds"))
                .isEqualTo("CreateReplace");
    }

    @Test
    void aMisspelledFieldIsRefusedUnderStrictValidationAndSilentlyDroppedWithout() {
        namespace("argocd");
        Map<String, Object> app = GitopsExamples.object(GitopsExamples.ARGO_OPERATOR);
        Map<String, Object> automated = at(app, "spec", "syncPolicy", "automated");
        automated.put("selfheal", automated.remove("selfHeal"));
        GenericKubernetesResource typo = generic(app);

        assertCreateRejected(
                kube,
                "argocd",
                typo,
                Validation.STRICT,
                BAD_REQUEST,
                List.of("unknown field \"spec.syncPolicy.automated.selfheal\""));

        GenericKubernetesResource dropped =
                kube.resource(typo)
                        .inNamespace("argocd")
                        .dryRun()
                        .fieldValidation(Validation.IGNORE)
                        .create();
        Map<String, Object> stored =
                kube.getKubernetesSerialization().convertValue(dropped, Map.class);
        assertThat(
                        GitopsExamples.<Map<String, Object>>at(
                                stored, "spec", "syncPolicy", "automated"))
                .as("without strict validation the typo is pruned and selfHeal is lost unnoticed")
                .doesNotContainKey("selfheal")
                .doesNotContainKey("selfHeal");
    }

    @Test
    void aValueOutsideAnUpstreamEnumIsRefused() {
        namespace("flux-system");
        Map<String, Object> release = GitopsExamples.object(GitopsExamples.HELM_RELEASE);
        GitopsExamples.<Map<String, Object>>at(release, "spec", "upgrade").put("crds", "Replace");
        assertCreateRejected(
                kube,
                "flux-system",
                generic(release),
                Validation.STRICT,
                INVALID,
                List.of("spec.upgrade.crds", "Unsupported value: \"Replace\""));

        Map<String, Object> site = GitopsExamples.object(GitopsExamples.FLUX_SITE);
        GitopsExamples.<List<Map<String, Object>>>at(site, "spec", "healthChecks")
                .get(0)
                .remove("kind");
        assertCreateRejected(
                kube,
                "flux-system",
                generic(site),
                Validation.STRICT,
                INVALID,
                List.of("spec.healthChecks[0].kind", "Required value"));
    }
}
