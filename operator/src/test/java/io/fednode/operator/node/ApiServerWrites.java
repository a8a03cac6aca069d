package io.fednode.operator.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Write requests the API server itself counted ({@code apiserver_request_total} on /metrics). */
public final class ApiServerWrites {
    public static final Set<String> WRITE_VERBS =
            Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");

    /** Every resource the node operator writes (and Helm for it: what a component chart holds). */
    public static final Set<String> OPERATOR_RESOURCES =
            Set.of(
                    "configmaps",
                    "services",
                    "deployments",
                    "statefulsets",
                    "federationnodes",
                    "persistentvolumeclaims",
                    "secrets",
                    "serviceaccounts",
                    "networkpolicies",
                    "events");

    private static final Pattern LINE = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private ApiServerWrites() {}

    /** Sum of write requests to the operator's resources, from the API server's own counters. */
    public static long count(KubernetesClient admin) {
        return byVerbAndResource(admin).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Write requests to the operator's resources by "VERB resource[/subresource]". */
    public static java.util.Map<String, Long> byVerbAndResource(KubernetesClient admin) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        String metrics =
                admin.raw(admin.getMasterUrl().toString().replaceAll("/$", "") + "/metrics");
        for (String line : metrics.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String verb = null;
            String resource = null;
            String subresource = "";
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) {
                if (l.group(1).equals("verb")) {
                    verb = l.group(2);
                } else if (l.group(1).equals("resource")) {
                    resource = l.group(2);
                } else if (l.group(1).equals("subresource")) {
                    subresource = l.group(2);
                }
            }
            if (WRITE_VERBS.contains(verb) && OPERATOR_RESOURCES.contains(resource)) {
                counts.merge(
                        verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource),
                        (long) Double.parseDouble(m.group(2)),
                        Long::sum);
            }
        }
        return counts;
    }
}
