package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real connections from real Pods on the real node, made with the toolbox image (Debian's static
 * busybox; {@code tools/real-node-images.sh}): small HTTP servers, and one-shot probe Pods that try
 * each target and report {@code name=open|closed} per line in their termination message (delivered
 * by the kubelet; no exec or log streaming needed). Every Pod passes Pod Security "restricted".
 */
public final class Probes {
    public static final String TOOLBOX = "fednode.local/toolbox:1";
    public static final int PORT = 8443;

    private Probes() {}

    /** A target a probe tries: a DNS name to resolve, or an HTTP URL to fetch. */
    public record Target(String name, String shellCheck) {
        public static Target dns(String name, String host) {
            return new Target(name, "nslookup " + host);
        }

        /**
         * A TCP connection to a TLS port: plain HTTP gets the server's "400 Bad Request", which
         * only an answered connection gives.
         */
        public static Target tcp(String name, String ip, int port) {
            return new Target(
                    name,
                    "sh -c '{ wget -O /dev/null http://"
                            + ip
                            + ":"
                            + port
                            + "/ 2>&1; true; } | grep -q \"server returned\"'");
        }

        public static Target http(String name, String hostOrIp, int port) {
            return new Target(name, "wget -q -O /dev/null http://" + hostOrIp + ":" + port + "/");
        }
    }

    /** The restricted container of every test Pod, running {@code script} with busybox sh. */
    public static Container container(String name, String script) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(TOOLBOX)
                .withImagePullPolicy("IfNotPresent")
                .withCommand("/bin/sh", "-c", script)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/srv")
                .endVolumeMount()
                .build();
    }

    /** The shell that serves "ok" over HTTP on {@link #PORT}. */
    public static String serverScript() {
        return "echo ok > /srv/index.html && exec httpd -f -p " + PORT + " -h /srv";
    }

    /** Starts an HTTP server Pod on the real node and returns its IP once it is Ready. */
    public static String startServer(
            KubernetesClient k, String ns, String name, Map<String, String> labels) {
        k.resource(pod(ns, name, labels, "Always", container("server", serverScript()))).create();
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Pod p = k.pods().inNamespace(ns).withName(name).get();
                            assertThat(p.getStatus().getPodIP()).isNotBlank();
                            assertThat(p.getStatus().getContainerStatuses())
                                    .allSatisfy(c -> assertThat(c.getReady()).isTrue());
                        });
        return k.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
    }

    /** The shell that tries every target and writes the result to the termination message. */
    public static String probeScript(List<Target> targets) {
        // kube-router applies a new Pod's rules a moment after the Pod runs: before that, its
        // connections are not filtered yet (docs/local-cluster.md).
        StringBuilder s = new StringBuilder("sleep 5\nr=''\n");
        for (Target t : targets) {
            s.append("if timeout 8 ")
                    .append(t.shellCheck())
                    .append(" >/dev/null 2>&1; then r=\"${r}")
                    .append(t.name())
                    .append("=open\n\"; else r=\"${r}")
                    .append(t.name())
                    .append("=closed\n\"; fi\n");
        }
        s.append("printf '%s' \"$r\" > /dev/termination-log\n");
        return s.toString();
    }

    /**
     * Runs a one-shot probe Pod with these labels in {@code ns} and returns, per target, {@code
     * open} or {@code closed}.
     */
    public static Map<String, String> probe(
            KubernetesClient k,
            String ns,
            String name,
            Map<String, String> labels,
            List<Target> targets) {
        k.resource(pod(ns, name, labels, "Never", container("probe", probeScript(targets))))
                .create();
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () ->
                                assertThat(
                                                k.pods()
                                                        .inNamespace(ns)
                                                        .withName(name)
                                                        .get()
                                                        .getStatus()
                                                        .getPhase())
                                        .isIn("Succeeded", "Failed"));
        Pod done = k.pods().inNamespace(ns).withName(name).get();
        assertThat(done.getSpec().getNodeName())
                .isEqualTo(io.fednode.testing.KwokCluster.REAL_NODE);
        String message =
                done.getStatus()
                        .getContainerStatuses()
                        .get(0)
                        .getState()
                        .getTerminated()
                        .getMessage();
        assertThat(message).as("the probe's report").isNotBlank();
        Map<String, String> result = new LinkedHashMap<>();
        message.lines()
                .map(l -> l.split("=", 2))
                .filter(kv -> kv.length == 2)
                .forEach(kv -> result.put(kv[0], kv[1]));
        assertThat(result.keySet())
                .containsExactlyElementsOf(
                        targets.stream().map(Target::name).collect(Collectors.toList()));
        return result;
    }

    static Pod pod(
            String ns,
            String name,
            Map<String, String> labels,
            String restartPolicy,
            Container container) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy(restartPolicy)
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withContainers(container)
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build();
    }
}
