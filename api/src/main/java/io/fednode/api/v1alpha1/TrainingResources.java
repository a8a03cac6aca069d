package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * CPU, memory and ephemeral-storage of the training container. GPUs are not named here: they come
 * from {@code spec.gpus}, so the node's GPU limit cannot be bypassed.
 */
public class TrainingResources {
    private static final String RULE =
            "self.all(k, k == 'cpu' || k == 'memory' || k == 'ephemeral-storage')";
    private static final String MESSAGE =
            "only cpu, memory and ephemeral-storage may be set; request GPUs with spec.gpus";

    /** Requested amounts, e.g. {cpu: "4", memory: 16Gi}. */
    @Size(max = 3)
    @ValidationRule(value = RULE, message = MESSAGE)
    private Map<String, Quantity> requests;

    /** Limits, e.g. {memory: 32Gi}. */
    @Size(max = 3)
    @ValidationRule(value = RULE, message = MESSAGE)
    private Map<String, Quantity> limits;

    public TrainingResources() {}

    public TrainingResources(Map<String, Quantity> requests, Map<String, Quantity> limits) {
        this.requests = requests;
        this.limits = limits;
    }

    public Map<String, Quantity> getRequests() {
        return requests;
    }

    public void setRequests(Map<String, Quantity> requests) {
        this.requests = requests;
    }

    public Map<String, Quantity> getLimits() {
        return limits;
    }

    public void setLimits(Map<String, Quantity> limits) {
        this.limits = limits;
    }
}
