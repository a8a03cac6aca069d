package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fednode.api.v1alpha1.TrainingRun;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;

/**
 * What the run's dependents share: each manages one object whose name follows from the run ({@link
 * #name}), carrying the owner reference its {@code desired()} builder puts in it (the garbage
 * collector removes it with the run), and mapped back to the run by the {@value TrainingLabels#RUN}
 * label. None is a {@code Deleter}: the run needs no finalizer.
 */
abstract class RunOwnedDependent<R extends HasMetadata>
        extends KubernetesDependentResource<R, TrainingRun> {

    protected RunOwnedDependent(Class<R> type) {
        super(type);
    }

    /** The managed object's name for this run. */
    protected abstract String name(TrainingRun run);

    private ResourceID idFor(TrainingRun run) {
        return new ResourceID(name(run), run.getMetadata().getNamespace());
    }

    @Override
    protected ResourceID targetSecondaryResourceID(TrainingRun run, Context<TrainingRun> context) {
        return idFor(run);
    }

    /** Ownership is part of {@code desired()}; JOSDK adds no references or annotations. */
    @Override
    protected void addReferenceHandlingMetadata(R desired, TrainingRun run) {}

    @Override
    protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
            EventSourceContext<TrainingRun> context) {
        return super.informerConfigurationBuilder(context)
                .withPrimaryToSecondaryMapper((TrainingRun run) -> Set.of(idFor(run)));
    }

    /** An object's events go to the run its {@value TrainingLabels#RUN} label names. */
    @Override
    protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(
            EventSourceContext<TrainingRun> context) {
        return Optional.of(object -> Set.of(runOf(object)));
    }

    static ResourceID runOf(HasMetadata object) {
        return new ResourceID(
                object.getMetadata().getLabels().get(TrainingLabels.RUN),
                object.getMetadata().getNamespace());
    }
}
