package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetRevisionTest {
    private final FederationNode node = Fixtures.node("ns", "hospital-a", NodeRole.DATA);
    private final Dataset dataset = Fixtures.dataset("ns", "lung", "hospital-a", "imports/lung");

    @Test
    void firstRevisionIsOne() {
        assertThat(DatasetRevision.of(dataset, node).numberAfter(null)).isEqualTo(1);
    }

    @Test
    void sameInputsKeepTheRevisionOtherInputsGetTheNext() {
        DatasetStatus status = new DatasetStatus();
        status.setRevision(4);
        status.setRevisionDigest(DatasetRevision.of(dataset, node).digest());
        assertThat(DatasetRevision.of(dataset, node).numberAfter(status)).isEqualTo(4);

        dataset.getSpec().setDescription("only words changed");
        dataset.getSpec().getSource().setPath("./imports//lung/");
        assertThat(DatasetRevision.of(dataset, node).numberAfter(status)).isEqualTo(4);

        dataset.getSpec().setOptions(List.of(AnonymisationOption.CLEAN_GRAPHICS));
        assertThat(DatasetRevision.of(dataset, node).numberAfter(status)).isEqualTo(5);
    }

    @Test
    void nodeDefaultsCountWhenTheDatasetSetsNoOptions() {
        String before = DatasetRevision.of(dataset, node).digest();
        node.getSpec().getAnonymisation().setOptions(List.of(AnonymisationOption.RETAIN_UIDS));
        assertThat(DatasetRevision.of(dataset, node).digest()).isNotEqualTo(before);
    }

    @Test
    void imageAndParallelismAreNotPartOfTheRevision() {
        String before = DatasetRevision.of(dataset, node).digest();
        node.getSpec().getAnonymisation().setImage("other:2");
        node.getSpec().getAnonymisation().setParallelism(8);
        assertThat(DatasetRevision.of(dataset, node).digest()).isEqualTo(before);
    }
}
