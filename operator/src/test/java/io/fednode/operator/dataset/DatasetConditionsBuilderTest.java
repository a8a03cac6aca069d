package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DatasetConditionsBuilderTest {
    @Test
    void observedIsANewStatusAtTheNewGenerationAndLeavesTheGivenOneAlone() {
        Dataset dataset = Fixtures.dataset("ns", "lung", "hospital-a", "imports/lung");
        DatasetStatus cached = new DatasetStatus();
        cached.setObservedGeneration(1L);
        cached.setRevision(1);
        cached.setJobName("lung-r1");
        cached.setFiles(new DatasetStatus.DatasetFiles(3L, 2L, 1L));
        cached.setQuarantineReasons(new TreeMap<>(Map.of("not-dicom", 1L)));
        Condition ready =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("Anonymised")
                        .withMessage("revision 1: 2 of 3 files anonymised, 1 quarantined")
                        .withObservedGeneration(1L)
                        .withLastTransitionTime("2026-11-26T10:05:00Z")
                        .build();
        cached.setConditions(List.of(ready));
        dataset.setStatus(cached);
        dataset.getMetadata().setGeneration(4L);

        DatasetStatus observed = DatasetConditionsBuilder.observed(dataset);

        assertThat(observed).isNotSameAs(cached);
        assertThat(observed.getObservedGeneration()).isEqualTo(4L);
        assertThat(observed.getConditions())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getObservedGeneration()).isEqualTo(4L);
                            assertThat(c.getReason()).isEqualTo("Anonymised");
                            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-26T10:05:00Z");
                        });
        assertThat(observed.getFiles().getWritten()).isEqualTo(2L);
        assertThat(observed.getQuarantineReasons()).containsEntry("not-dicom", 1L);
        assertThat(observed).isNotEqualTo(cached);
        // The given status (the informer cache's) is as it was.
        assertThat(cached.getObservedGeneration()).isEqualTo(1L);
        assertThat(ready.getObservedGeneration()).isEqualTo(1L);
    }
}
