package io.fednode.hub.job;

import io.fednode.hub.heartbeat.NodeIdentity;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /api/v1/jobs/report} over mTLS: a node changes its own entry of a job (whose entry,
 * the certificate says), and only along the state machine of {@link NodeTransitions}.
 */
public final class JobReportEndpoint extends JsonEndpoint<JobReport, MemberState> {
    public static final int MAX_BODY_BYTES = 8 * 1024;

    private final Members members;
    private final FederatedJobs jobs;

    public JobReportEndpoint(Members members, FederatedJobs jobs, MeterRegistry meters) {
        super("jobs-report", JobReport.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.jobs = jobs;
    }

    @Override
    protected MemberState authenticate(Request request) {
        return NodeIdentity.authenticate(request, members);
    }

    @Override
    protected Object handle(JobReport report, MemberState member) {
        return jobs.report(member.nodeId(), report);
    }
}
