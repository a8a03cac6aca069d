package io.fednode.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;

/** Runs the hub until the process is told to stop. */
public final class HubMain {
    private HubMain() {}

    public static void main(String[] args) throws Exception {
        HubConfig config = HubConfig.from(args, System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        Hub hub = new Hub(client, config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        hub.close();
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    } finally {
                                        client.close();
                                        stopped.countDown();
                                    }
                                }));
        stopped.await();
    }
}
