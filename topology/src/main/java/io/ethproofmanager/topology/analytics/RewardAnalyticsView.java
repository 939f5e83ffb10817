package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the reward analytics of the running topology's {@value RewardAnalyticsTopology#NETWORK_STATS_STORE} store (for the status API). */
public final class RewardAnalyticsView {

    private final KafkaStreams streams;

    public RewardAnalyticsView(final KafkaStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /**
     * The current analytics of every network whose partition this instance hosts (all of them with one instance).
     * Throws {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the store is not queryable
     * (starting, rebalancing).
     */
    public Map<ProvingNetwork, NetworkAnalytics> current() {
        final ReadOnlyKeyValueStore<ProvingNetwork, NetworkStats> store = streams.store(StoreQueryParameters.fromNameAndType(
                RewardAnalyticsTopology.NETWORK_STATS_STORE, QueryableStoreTypes.<ProvingNetwork, NetworkStats>keyValueStore()));
        return analyticsOf(store);
    }

    /** The analytics of every network in {@code store}, in network order. */
    static Map<ProvingNetwork, NetworkAnalytics> analyticsOf(final ReadOnlyKeyValueStore<ProvingNetwork, NetworkStats> store) {
        final Map<ProvingNetwork, NetworkAnalytics> analytics = new EnumMap<>(ProvingNetwork.class);
        try (KeyValueIterator<ProvingNetwork, NetworkStats> all = store.all()) {
            all.forEachRemaining(entry -> analytics.put(entry.key, entry.value.toAnalytics(entry.key)));
        }
        return Collections.unmodifiableMap(analytics);
    }
}
