package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {
    static final String REPORT =
            "{\"filesSeen\":3,\"filesWritten\":2,\"filesQuarantined\":1,\"bytesIn\":30,"
                    + "\"bytesOut\":20,\"quarantineReasons\":{\"not-dicom\":1}}\n";

    static Job job(String condition, String reason, int failed) {
        var b =
                new JobBuilder()
                        .withNewMetadata()
                        .withName("lung-ct-r1")
                        .endMetadata()
                        .withNewStatus()
                        .withFailed(failed)
                        .withStartTime("2026-11-26T10:00:00Z");
        if (condition != null) {
            b.addNewCondition()
                    .withType(condition)
                    .withStatus("True")
                    .withReason(reason)
                    .endCondition();
            if (condition.equals("Complete")) {
                b.withCompletionTime("2026-11-26T10:05:00Z");
            }
        }
        return b.endStatus().build();
    }

    static Pod pod(int exitCode, String message, String finishedAt) {
        return new PodBuilder()
                .withNewStatus()
                .addNewContainerStatus()
                .withName(AnonymisationJob.CONTAINER)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(message)
                .withFinishedAt(finishedAt)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    @Test
    void runningJobIsRunning() {
        assertThat(JobOutcome.of(job(null, null, 1), List.of()))
                .isEqualTo(new JobOutcome.Running(1, "2026-11-26T10:00:00Z"));
    }

    @Test
    void completedJobCarriesTheReportOfTheSucceededPod() {
        var outcome =
                JobOutcome.of(
                        job("Complete", null, 1),
                        List.of(
                                pod(1, "fatal: disk", "2026-11-26T10:01:00Z"),
                                pod(0, REPORT, "2026-11-26T10:04:00Z")));
        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        var ok = (JobOutcome.Succeeded) outcome;
        assertThat(ok.report()).get().extracting(AnonymiserReport::filesWritten).isEqualTo(2L);
        assertThat(ok.completionTime()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(ok.failedAttempts()).isEqualTo(1);
    }

    @Test
    void completedJobWithoutReportSaysWhy() {
        var ok = (JobOutcome.Succeeded) JobOutcome.of(job("Complete", null, 0), List.of());
        assertThat(ok.report()).isEmpty();
        assertThat(ok.reportProblem()).contains("no terminated anonymiser container");
    }

    @Test
    void failedJobReportsTheLastAttemptsError() {
        var outcome =
                JobOutcome.of(
                        job("Failed", "BackoffLimitExceeded", 3),
                        List.of(
                                pod(1, "first error", "2026-11-26T10:01:00Z"),
                                pod(
                                        1,
                                        "fednode-anonymiser: fatal: No space left",
                                        "2026-11-26T10:03:00Z"),
                                pod(1, "second error", "2026-11-26T10:02:00Z")));
        var f = (JobOutcome.Failed) outcome;
        assertThat(f.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(f.message())
                .contains("after 3 attempts")
                .contains("last exit code 1")
                .contains("No space left")
                .doesNotContain("first error");
    }

    @Test
    void usageErrorIsNamedAsSuch() {
        var f =
                (JobOutcome.Failed)
                        JobOutcome.of(
                                job("Failed", "PodFailurePolicy", 1),
                                List.of(pod(2, "--input /data/raw is not a directory", "t")));
        assertThat(f.reason()).isEqualTo("AnonymiserUsageError");
        assertThat(f.message()).contains("is not a directory");
    }

    @Test
    void deadlineExceededNamesTheDeadlineAndItsField() {
        Job job = job("Failed", "DeadlineExceeded", 1);
        job.setSpec(new io.fabric8.kubernetes.api.model.batch.v1.JobSpec());
        job.getSpec().setActiveDeadlineSeconds(3600L);
        var f = (JobOutcome.Failed) JobOutcome.of(job, List.of(pod(143, "", "t")));
        assertThat(f.reason()).isEqualTo("DeadlineExceeded");
        assertThat(f.message())
                .startsWith("Job lung-ct-r1 was stopped: it ran longer than its deadline of 3600 s")
                .contains("spec.activeDeadlineSeconds")
                .contains("after 1 failed attempt")
                .endsWith("; last exit code 143");
    }

    @Test
    void inputPathsInTheLogTailAreReplacedByTheirMountPoint() {
        var f =
                (JobOutcome.Failed)
                        JobOutcome.of(
                                job("Failed", "BackoffLimitExceeded", 3),
                                List.of(
                                        pod(
                                                1,
                                                "fednode-anonymiser: fatal:"
                                                        + " java.nio.file.NoSuchFileException:"
                                                        + " /data/raw/SMITH^JOHN 1950/CT 1.dcm\n",
                                                "t")));
        assertThat(f.message())
                .endsWith(
                        "last exit code 1: fednode-anonymiser: fatal:"
                                + " java.nio.file.NoSuchFileException: /data/raw/…")
                .doesNotContain("SMITH")
                .doesNotContain("1950")
                .doesNotContain("CT 1");
    }

    @Test
    void controlCharactersAndLongTextFromTheJobAreBounded() {
        Job job = job("Failed", "BackoffLimitExceeded", 3);
        job.getStatus().getConditions().get(0).setMessage("limit\u001b[31m" + "y".repeat(5000));
        var f = (JobOutcome.Failed) JobOutcome.of(job, List.of());
        assertThat(f.message()).hasSizeLessThanOrEqualTo(JobOutcome.MAX_MESSAGE);
        assertThat(f.message()).doesNotContain("\u001b");
    }

    @Test
    void longMessagesAreCut() {
        var f =
                (JobOutcome.Failed)
                        JobOutcome.of(
                                job("Failed", "BackoffLimitExceeded", 3),
                                List.of(pod(1, "x".repeat(5000), "t")));
        assertThat(f.message()).hasSizeLessThanOrEqualTo(JobOutcome.MAX_MESSAGE);
    }
}
