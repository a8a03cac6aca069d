package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security contexts of every Pod the operator runs (anonymiser and training Jobs), the ones Pod
 * Security "restricted" asks for: a fixed non-root user, no privilege escalation, no capabilities,
 * the runtime's default seccomp profile, a read-only root file system (the chart's
 * ValidatingAdmissionPolicy also refuses operator Jobs with privileged or escalating containers).
 */
public final class RestrictedSecurity {
    private static final String SECCOMP = "RuntimeDefault";

    private RestrictedSecurity() {}

    /**
     * The Pod's context: user and group {@code uid}/{@code gid}; {@code fsGroup} owns the mounted
     * volumes when not null.
     */
    public static PodSecurityContext pod(long uid, long gid, Long fsGroup) {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(uid)
                .withRunAsGroup(gid)
                .withFsGroup(fsGroup)
                .withNewSeccompProfile()
                .withType(SECCOMP)
                .endSeccompProfile()
                .build();
    }

    /** A container's context. */
    public static SecurityContext container() {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType(SECCOMP)
                .endSeccompProfile()
                .build();
    }
}
