package io.fednode.e2e.flower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.ProjectImages;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sample trainer image as the real node knows it: a FederatedJob (and a node with {@code
 * requireDigest}) names images by digest, and the manifest digest is the one containerd gave the
 * image when it imported the tar, which the kubelet reports in the Node's {@code status.images}.
 */
public final class TrainerImage {
    private TrainerImage() {}

    /** {@code fednode.local/trainer@sha256:<64 hex>}, once the kubelet reports the image. */
    public static String pinnedReference(KubernetesClient k) {
        String tagged = ProjectImages.trainer().reference();
        String repository = ProjectImages.trainer().repository();
        String[] found = new String[1];
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            Node node = k.nodes().withName(KwokCluster.REAL_NODE).get();
                            Optional<String> digest =
                                    node.getStatus().getImages().stream()
                                            .map(ContainerImage::getNames)
                                            .filter(names -> names.contains(tagged))
                                            .flatMap(List::stream)
                                            .filter(n -> n.startsWith(repository + "@sha256:"))
                                            .findFirst();
                            assertThat(digest)
                                    .as("the real node reports " + tagged + " with its digest")
                                    .isPresent();
                            found[0] = digest.get();
                        });
        assertThat(found[0]).matches("[^@]+@sha256:[a-f0-9]{64}");
        return found[0];
    }
}
