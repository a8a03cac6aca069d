package io.fednode.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class MdcExecutorServiceTest {
    final ExecutorService executor = new MdcExecutorService(Executors.newSingleThreadExecutor());

    @AfterEach
    void stop() throws Exception {
        MDC.clear();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.isTerminated()).isTrue();
    }

    @Test
    void aTaskRunsWithTheSubmittersMdcAndThePoolThreadGetsItsOwnBack() throws Exception {
        MDC.put("resource.namespace", "hospital-a");
        MDC.put("resource.name", "chest-ct");
        Map<String, String> seen = executor.submit(MDC::getCopyOfContextMap).get();
        assertThat(seen)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("resource.namespace", "hospital-a", "resource.name", "chest-ct"));

        // The next submitter has no context: the task must not see the previous one's.
        MDC.clear();
        Map<String, String> next = executor.submit(MDC::getCopyOfContextMap).get();
        assertThat(next == null ? Map.of() : next).isEmpty();

        MDC.put("resource.name", "other");
        assertThat(executor.submit(() -> MDC.get("resource.name")).get()).isEqualTo("other");
        assertThat(executor.submit(() -> MDC.get("resource.namespace")).get()).isNull();
    }
}
