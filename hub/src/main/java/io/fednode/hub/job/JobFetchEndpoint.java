package io.fednode.hub.job;

import io.fednode.hub.heartbeat.NodeIdentity;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Request;

/** {@code POST /api/v1/jobs/fetch} over mTLS: a node reads its own offer of a job, nothing else. */
public final class JobFetchEndpoint extends JsonEndpoint<JobOffer.FetchRequest, MemberState> {
    public static final int MAX_BODY_BYTES = 1024;

    private final Members members;
    private final FederatedJobs jobs;

    public JobFetchEndpoint(Members members, FederatedJobs jobs, MeterRegistry meters) {
        super("jobs-fetch", JobOffer.FetchRequest.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.jobs = jobs;
    }

    @Override
    protected MemberState authenticate(Request request) {
        return NodeIdentity.authenticate(request, members);
    }

    @Override
    protected Object handle(JobOffer.FetchRequest body, MemberState member) {
        if (body.uid() == null || !JobReport.UID.matcher(body.uid()).matches()) {
            throw ApiException.badRequest("uid must be the job's UID");
        }
        return jobs.fetch(member.nodeId(), body.uid());
    }
}
