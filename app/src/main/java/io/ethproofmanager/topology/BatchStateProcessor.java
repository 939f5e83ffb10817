package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Command;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link BatchStateMachine#apply} on each batch event against the batch's stored state, at the input record's
 * timestamp; stores a changed state, publishes a changed record and publishes the commands.
 */
final class BatchStateProcessor implements Processor<BatchId, BatchEvent, BatchId, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchStateProcessor.class);

    private final ProofRequestPolicy policy;
    private final TopologyMetrics metrics;
    private final String storeName;
    private final String statusChild;
    private final String commandChild;
    private ProcessorContext<BatchId, Object> context;
    private KeyValueStore<BatchId, BatchState> store;

    BatchStateProcessor(final ProofRequestPolicy policy, final TopologyMetrics metrics, final String storeName,
            final String statusChild, final String commandChild) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.statusChild = Objects.requireNonNull(statusChild, "statusChild");
        this.commandChild = Objects.requireNonNull(commandChild, "commandChild");
    }

    @Override
    public void init(final ProcessorContext<BatchId, Object> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<BatchId, BatchEvent> record) {
        final BatchId batch = record.key();
        final Transition transition = BatchStateMachine.apply(
                Optional.ofNullable(store.get(batch)), record.value(), Instant.ofEpochMilli(record.timestamp()), policy);
        metrics.countEvent(transition.outcome());
        if (transition.outcome() == Outcome.UNKNOWN_BATCH) {
            LOG.info("{} for batch {} that has no status: nothing stored", kindOf(record.value()), batch);
        }
        transition.state().ifPresent(next -> store.put(batch, next));
        transition.next().ifPresent(next ->
                context.forward(new Record<BatchId, Object>(batch, next, record.timestamp()), statusChild));
        for (final L1Command command : transition.commands()) {
            context.forward(new Record<BatchId, Object>(command.batchId(), command, record.timestamp()), commandChild);
        }
    }

    private static String kindOf(final BatchEvent event) {
        return switch (event) {
            case BatchEvent.Ready ready -> "Readiness";
            case BatchEvent.OnChain onChain -> "Contract event " + onChain.event().getClass().getSimpleName();
            case BatchEvent.TxResult txResult -> "Transaction result of " + txResult.result().commandId();
            case BatchEvent.Verdict verdict -> "Proof verdict";
        };
    }
}
