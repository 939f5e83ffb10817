package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.topology.ParseStep;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The reward analytics topology, a Streams application of its own ({@value #APPLICATION_ID}): contract events, fallback
 * records and reward claims in, one {@link io.ethproofmanager.schemas.NetworkAnalytics} per proving network out.
 */
public final class RewardAnalyticsTopology {

    /** The suggested {@code application.id}: its own consumer group, changelogs and repartition topic, reset on its own. */
    public static final String APPLICATION_ID = "eth-proof-manager-reward-analytics";
    public static final String L1_EVENTS = "analytics-l1-events";
    public static final String FALLBACK = "analytics-fallback";
    public static final String NETWORK_EVENTS = "analytics-network-events";
    /** Each batch's {@link BatchRequestFacts}; changelog {@code <application.id>-batch-request-facts-changelog}. */
    public static final String BATCH_FACTS_STORE = "batch-request-facts";
    /** Each live reward claim's amount by its log; changelog {@code <application.id>-reward-claims-changelog}. */
    public static final String REWARD_CLAIMS_STORE = "reward-claims";
    /** The changes keyed by network: topic {@code <application.id>-analytics-changes-by-network-repartition}. */
    public static final String CHANGES_BY_NETWORK = "analytics-changes-by-network";
    /** Each network's {@link NetworkStats}, queried by {@link RewardAnalyticsView}. */
    public static final String NETWORK_STATS_STORE = "network-stats";
    public static final String NETWORK_STATS = "network-stats-aggregate";
    public static final String NETWORK_ANALYTICS_SINK = "network-analytics-sink";
    /** Input records sent to the dead-letter topic by this topology, tagged {@code topic} with the source topic. */
    public static final String DEAD_LETTERS_METER = "epm_analytics_dead_letters_total";

    private RewardAnalyticsTopology() {
    }

    /** Builds the topology on the topics of {@link Topics} ({@link TopicNames#DEFAULT}). */
    public static Topology build(final MeterRegistry meters) {
        return build(meters, TopicNames.DEFAULT);
    }

    /**
     * Builds the topology on the deployment's topics {@code names}; every node, store and internal topic carries an
     * explicit name, which the build checks.
     */
    public static Topology build(final MeterRegistry meters, final TopicNames names) {
        Objects.requireNonNull(meters, "meters");
        final Topic<BatchId, DeadLetter> deadLetter = names.of(Topics.DEAD_LETTER);
        final StreamsBuilder builder = new StreamsBuilder(namingChecked());
        addStores(builder);
        // 1. contract events, fallback records and network events arrive as raw bytes and are checked and decoded
        final KStream<BatchId, L1Event> l1Events = parsed(builder, names.of(Topics.L1_EVENTS), deadLetter, L1_EVENTS,
                        record -> record instanceof L1Event event ? Optional.of(event.batchId()) : Optional.<BatchId>empty(), meters)
                // the chain-time ticks between the events mean nothing to the analytics
                .flatMapValues(record -> record instanceof L1Event event ? List.of(event) : List.<L1Event>of(),
                        Named.as(L1_EVENTS + "-without-ticks"));
        final KStream<BatchId, FallbackRecord> fallbacks =
                parsed(builder, names.of(Topics.FALLBACK), deadLetter, FALLBACK, f -> Optional.of(f.batchId()), meters);
        final KStream<ProvingNetwork, NetworkEvent> networkEvents =
                parsed(builder, names.of(Topics.NETWORK_EVENTS), deadLetter, NETWORK_EVENTS, RewardAnalyticsTopology::networkOf, meters);
        // 2. each batch's facts change with its events and fallback; the change goes to the batch's network
        final KStream<ProvingNetwork, AnalyticsChange> eventChanges = l1Events.process(
                () -> new BatchFactsProcessor<L1Event>(BATCH_FACTS_STORE, BatchRequestFacts::with), Named.as("l1-events-facts"), BATCH_FACTS_STORE);
        final KStream<ProvingNetwork, AnalyticsChange> fallbackChanges = fallbacks.process(
                () -> new BatchFactsProcessor<FallbackRecord>(BATCH_FACTS_STORE, BatchRequestFacts::with), Named.as("fallback-facts"),
                BATCH_FACTS_STORE);
        // 3. each reward claim counts once
        final KStream<ProvingNetwork, AnalyticsChange> claimChanges = networkEvents.process(
                () -> new RewardClaimsProcessor(REWARD_CLAIMS_STORE), Named.as("reward-claims-dedupe"), REWARD_CLAIMS_STORE);
        // 4. all changes meet, keyed by network, in the per-network figures, which are published on every change
        eventChanges.merge(fallbackChanges, Named.as("batch-changes-merge"))
                .merge(claimChanges, Named.as("analytics-changes-merge"))
                .repartition(Repartitioned.<ProvingNetwork, AnalyticsChange>as(CHANGES_BY_NETWORK)
                        .withKeySerde(Topics.NETWORK_ANALYTICS.keySerde())
                        .withValueSerde(new InternalJsonSerde<>(AnalyticsChange.class)))
                .process(() -> new NetworkStatsProcessor(NETWORK_STATS_STORE), Named.as(NETWORK_STATS), NETWORK_STATS_STORE)
                .to(names.of(Topics.NETWORK_ANALYTICS).name(), Produced.with(Topics.NETWORK_ANALYTICS.keySerde(),
                        Topics.NETWORK_ANALYTICS.valueSerde()).withName(NETWORK_ANALYTICS_SINK));
        return builder.build();
    }

    private static void addStores(final StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BATCH_FACTS_STORE),
                Topics.L1_EVENTS.keySerde(), new InternalJsonSerde<>(BatchRequestFacts.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REWARD_CLAIMS_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NETWORK_STATS_STORE),
                Topics.NETWORK_ANALYTICS.keySerde(), new InternalJsonSerde<>(NetworkStats.class)));
    }

    /** The valid records of {@code topic}; the others go to the dead-letter topic (keyed by their batch when known). */
    private static <K, V> KStream<K, V> parsed(final StreamsBuilder builder, final Topic<K, V> topic,
            final Topic<BatchId, DeadLetter> deadLetter, final String name,
            final Function<V, Optional<K>> keyOf, final MeterRegistry meters) {
        final Counter deadLetters = Counter.builder(DEAD_LETTERS_METER)
                .description("Input records the reward analytics sent to the dead-letter topic, by source topic")
                .tag("topic", topic.name())
                .register(meters);
        final Map<String, KStream<K, Parsed<V>>> branches = builder
                .stream(topic.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(() -> new ParseStep<K, V, Parsed<V>>(topic, ParseStep.KeyRule.namedBy(keyOf), deadLetters,
                        (context, valid) -> context.forward(valid.withValue(new Parsed.Valid<>(valid.value()))),
                        (context, letter) -> context.forward(letter.withValue(new Parsed.Rejected<V>(letter.value())))),
                        Named.as(name + "-parse"))
                .split(Named.as(name + "-parsed"))
                .branch((key, parsed) -> parsed instanceof Parsed.Rejected, Branched.as("-rejected"))
                .defaultBranch(Branched.as("-valid"));
        branches.get(name + "-parsed-rejected")
                .map((key, parsed) -> KeyValue.pair(batchKey(key), ((Parsed.Rejected<V>) parsed).letter()), Named.as(name + "-dead-letter"))
                .to(deadLetter.name(), Produced.with(deadLetter.keySerde(), deadLetter.valueSerde())
                        .withName(name + "-dead-letter-sink"));
        return branches.get(name + "-parsed-valid").mapValues(parsed -> ((Parsed.Valid<V>) parsed).value(), Named.as(name + "-valid-value"));
    }

    /** The dead letter's key: the batch, when the input was keyed by one. */
    private static BatchId batchKey(final Object key) {
        return key instanceof BatchId batch ? batch : null;
    }

    private static Optional<ProvingNetwork> networkOf(final NetworkEvent event) {
        return switch (event) {
            case NetworkEvent.RewardClaimed e -> Optional.of(e.network());
            case NetworkEvent.ProvingNetworkStatusUpdated e -> Optional.of(e.network());
            case NetworkEvent.ProvingNetworkAddressUpdated e -> Optional.of(e.network());
            case NetworkEvent.PreferredProvingNetworkUpdated e -> Optional.of(e.network());
            case NetworkEvent.FundsWithdrawn e -> Optional.empty();
        };
    }

    /**
     * Build settings that make Streams refuse any generated store, changelog or repartition topic name. A topology config
     * needs a complete Streams config; of it only the naming check is read while building.
     */
    private static TopologyConfig namingChecked() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused-while-building:9092");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return new TopologyConfig(new StreamsConfig(props));
    }
}
