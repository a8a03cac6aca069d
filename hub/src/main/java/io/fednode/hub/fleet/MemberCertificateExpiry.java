package io.fednode.hub.fleet;

import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code fednode_hub_member_certificate_expiry_seconds{member}}: seconds until each enrolled
 * member's current certificate expires (negative once expired), computed at each scrape from the
 * hub's in-memory member state. Members without a certificate have no series.
 */
public final class MemberCertificateExpiry implements MultiCollector {
    static final String NAME = "fednode_hub_member_certificate_expiry_seconds";

    private final Members members;
    private final Clock clock;

    public MemberCertificateExpiry(Members members, Clock clock) {
        this.members = members;
        this.clock = clock;
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME);
    }

    @Override
    public MetricSnapshots collect() {
        Instant now = clock.instant();
        GaugeSnapshot.Builder gauge =
                GaugeSnapshot.builder()
                        .name(NAME)
                        .help("seconds until the member's current certificate expires");
        for (MemberState state : members.all()) {
            var certificate = state.certificate();
            if (certificate == null || certificate.getNotAfter() == null) {
                continue;
            }
            Instant notAfter;
            try {
                notAfter = Instant.parse(certificate.getNotAfter());
            } catch (DateTimeParseException e) {
                continue; // not a time the hub wrote; FleetView shows the raw value
            }
            var resource = state.resource();
            String member = resource == null ? state.nodeId() : resource.getMetadata().getName();
            gauge.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(Labels.of("member", member))
                            .value(Duration.between(now, notAfter).toMillis() / 1000.0)
                            .build());
        }
        return MetricSnapshots.of(gauge.build());
    }
}
