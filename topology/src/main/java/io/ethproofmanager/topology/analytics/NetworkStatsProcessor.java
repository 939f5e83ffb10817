package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Applies each change to its network's {@link NetworkStats} and publishes the network's analytics when they changed. */
final class NetworkStatsProcessor implements Processor<ProvingNetwork, AnalyticsChange, ProvingNetwork, NetworkAnalytics> {

    private final String storeName;
    private ProcessorContext<ProvingNetwork, NetworkAnalytics> context;
    private KeyValueStore<ProvingNetwork, NetworkStats> store;

    NetworkStatsProcessor(final String storeName) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
    }

    @Override
    public void init(final ProcessorContext<ProvingNetwork, NetworkAnalytics> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<ProvingNetwork, AnalyticsChange> record) {
        final NetworkStats before = Optional.ofNullable(store.get(record.key())).orElseGet(NetworkStats::empty);
        final NetworkStats changed = record.value().applyTo(before);
        if (changed.equals(before)) {
            return;
        }
        final NetworkStats after = changed.at(Instant.ofEpochMilli(record.timestamp()));
        store.put(record.key(), after);
        context.forward(new Record<>(record.key(), after.toAnalytics(record.key()), record.timestamp()));
    }
}
