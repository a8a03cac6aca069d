package io.fednode.hub.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.hub.member.MemberHealth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetPageTest {
    @Test
    void escapesWhatMembersAndNodesSupply() {
        FleetView.MemberRow row =
                new FleetView.MemberRow(
                        "n1",
                        "n1",
                        "ns",
                        "<script>alert(1)</script>",
                        "NL",
                        "data",
                        MemberHealth.AVAILABLE,
                        "1.0\"><b>",
                        "2026-01-01T00:00:00Z",
                        2,
                        1,
                        3,
                        5L * 1024 * 1024 * 1024,
                        "2026-02-01T00:00:00Z");
        String html =
                FleetPage.render(
                        new FleetView.Fleet(
                                "2026-01-01T00:00:30Z",
                                Map.of(MemberHealth.AVAILABLE, 1),
                                List.of(row)),
                        null);
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>");
        assertThat(html).contains("&lt;script&gt;").contains("30s ago").contains("5.0 GiB");
        assertThat(html).contains("data-node=\"n1\" data-health=\"available\"");
    }
}
