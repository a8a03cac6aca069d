package io.fednode.operator.component;

/**
 * Why a component could not be installed or upgraded, as its {@code Failed} condition shows it.
 *
 * @param reason one of {@link io.fednode.api.v1alpha1.ComponentConditions.Reasons}
 * @param message names the field or the resource that is wrong; never secret content
 * @param retry whether the operator tries again without a change of the declaration (the repository
 *     may come back; a chart that does not exist will not)
 */
public class ComponentProblem extends Exception {
    private final String reason;
    private final boolean retry;

    public ComponentProblem(String reason, String message, boolean retry) {
        super(message);
        this.reason = reason;
        this.retry = retry;
    }

    public String reason() {
        return reason;
    }

    public boolean retry() {
        return retry;
    }
}
