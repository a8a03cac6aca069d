package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heartbeat answer's job list, as the node reads it from a remote party. */
class FederatedJobListTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<FederatedJobSync.Listed> listed(String answer) throws Exception {
        return FederatedJobSync.listed(JSON.readTree(answer));
    }

    @Test
    void jobsAreReadAndEveryOtherFieldIsIgnored() throws Exception {
        assertThat(
                        listed(
                                "{\"ok\":true,\"nextVersion\":{\"x\":1},\"jobs\":[{\"uid\":\"u-1\","
                                        + "\"generation\":2,\"name\":\"research/job\","
                                        + "\"hint\":\"later\"}]}"))
                .containsExactly(new FederatedJobSync.Listed("u-1", 2, "research/job"));
    }

    @Test
    void noJobsFieldMeansNothingToDo() throws Exception {
        assertThat(listed("{}")).isEmpty();
        assertThat(listed("{\"jobs\":null}")).isEmpty();
        assertThat(listed("{\"jobs\":\"all\"}")).isEmpty();
        assertThat(FederatedJobSync.listed(null)).isEmpty();
    }

    @Test
    void malformedOrRepeatedEntriesAreSkipped() throws Exception {
        assertThat(
                        listed(
                                "{\"jobs\":[{\"uid\":\"../x\",\"generation\":1,\"name\":\"a/b\"},"
                                        + "{\"uid\":\"u\",\"generation\":0,\"name\":\"a/b\"},"
                                        + "{\"uid\":\"u\",\"generation\":1,\"name\":\"A B\"},"
                                        + "{\"uid\":\"u\",\"generation\":1,\"name\":\"a/b\"},"
                                        + "{\"uid\":\"u\",\"generation\":1,\"name\":\"a/b\"}]}"))
                .containsExactly(new FederatedJobSync.Listed("u", 1, "a/b"));
    }

    @Test
    void atMostOneHundredJobsAreTaken() throws Exception {
        StringBuilder b = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 150; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"uid\":\"u")
                    .append(i)
                    .append("\",\"generation\":1,\"name\":\"ns/j\"}");
        }
        assertThat(listed(b.append("]}").toString())).hasSize(100);
    }
}
