package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each batch's {@link BatchRequestFacts} and, when an input changes them, sends the change to the batch's network. */
final class BatchFactsProcessor<V> implements Processor<BatchId, V, ProvingNetwork, AnalyticsChange> {

    private final String storeName;
    private final BiFunction<BatchRequestFacts, V, BatchRequestFacts> update;
    private ProcessorContext<ProvingNetwork, AnalyticsChange> context;
    private KeyValueStore<BatchId, BatchRequestFacts> store;

    BatchFactsProcessor(final String storeName, final BiFunction<BatchRequestFacts, V, BatchRequestFacts> update) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.update = Objects.requireNonNull(update, "update");
    }

    @Override
    public void init(final ProcessorContext<ProvingNetwork, AnalyticsChange> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<BatchId, V> record) {
        final BatchRequestFacts before = Optional.ofNullable(store.get(record.key())).orElseGet(BatchRequestFacts::none);
        final BatchRequestFacts after = update.apply(before, record.value());
        if (after.equals(before)) {
            return;
        }
        store.put(record.key(), after);
        AnalyticsChange.between(before, after).forEach(change ->
                context.forward(new Record<>(change.key, change.value, record.timestamp())));
    }
}
