package io.fednode.operator.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Write requests the API server itself counted ({@code apiserver_request_total} on /metrics). */
public final class ApiServerWrites {
    public static final Set<String> WRITE_VERBS =
            Set.of("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION");

    /** Every resource the node operator writes. */
    public static final Set<String> OPERATOR_RESOURCES =
            Set.of(
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
        String metrics =
                admin.raw(admin.getMasterUrl().toString().replaceAll("/$", "") + "/metrics");
        long total = 0;
        for (String line : metrics.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String verb = null;
            String resource = null;
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) {
                if (l.group(1).equals("verb")) {
                    verb = l.group(2);
                } else if (l.group(1).equals("resource")) {
                    resource = l.group(2);
                }
            }
            if (WRITE_VERBS.contains(verb) && OPERATOR_RESOURCES.contains(resource)) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
