package io.fednode.operator.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

class JobStateTest {
    private static JobBuilder job() {
        return new JobBuilder()
                .withNewMetadata()
                .withName("j")
                .endMetadata()
                .withNewSpec()
                .withActiveDeadlineSeconds(60L)
                .endSpec();
    }

    @Test
    void aJobWithoutStatusIsActiveWithNothingReady() {
        JobState s = JobState.of(job().build());
        JobState.Active a = assertInstanceOf(JobState.Active.class, s);
        assertEquals(0, a.readyPods());
        assertEquals(0, a.failedAttempts());
    }

    @Test
    void readyPodsAndFailedAttemptsAreCounted() {
        Job j =
                job().withNewStatus()
                        .withReady(1)
                        .withFailed(2)
                        .withStartTime("2026-12-02T10:00:00Z")
                        .endStatus()
                        .build();
        JobState.Active a = assertInstanceOf(JobState.Active.class, JobState.of(j));
        assertEquals(1, a.readyPods());
        assertEquals(2, a.failedAttempts());
        assertEquals("2026-12-02T10:00:00Z", a.startTime());
    }

    @Test
    void completeUsesTheCompletionTimeOrElseTheCondition() {
        Job j =
                job().withNewStatus()
                        .addNewCondition()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime("2026-12-02T10:05:00Z")
                        .endCondition()
                        .endStatus()
                        .build();
        JobState.Complete c = assertInstanceOf(JobState.Complete.class, JobState.of(j));
        assertEquals("2026-12-02T10:05:00Z", c.completionTime());
    }

    @Test
    void aFalseConditionDoesNotFinishTheJob() {
        Job j =
                job().withNewStatus()
                        .addNewCondition()
                        .withType("Failed")
                        .withStatus("False")
                        .endCondition()
                        .endStatus()
                        .build();
        assertInstanceOf(JobState.Active.class, JobState.of(j));
    }

    @Test
    void theDeadlineIsToldApartFromOtherFailures() {
        Job deadline =
                job().withNewStatus()
                        .withFailed(1)
                        .addNewCondition()
                        .withType("Failed")
                        .withStatus("True")
                        .withReason("DeadlineExceeded")
                        .withMessage("Job was active longer than specified deadline")
                        .endCondition()
                        .endStatus()
                        .build();
        JobState.Failed f = assertInstanceOf(JobState.Failed.class, JobState.of(deadline));
        assertTrue(f.deadlineExceeded());
        assertEquals(60L, f.deadlineSeconds());
        Job backoff =
                job().withNewStatus()
                        .addNewCondition()
                        .withType("Failed")
                        .withStatus("True")
                        .withReason("BackoffLimitExceeded")
                        .withMessage("x".repeat(5000))
                        .endCondition()
                        .endStatus()
                        .build();
        JobState.Failed g = assertInstanceOf(JobState.Failed.class, JobState.of(backoff));
        assertEquals("BackoffLimitExceeded", g.reason());
        assertEquals(512, g.message().length());
    }
}
