package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1Record;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The batch topology: readiness events, contract events, L1 transaction results and proof verdicts in, batch status
 * records, L1 commands and fallback records out; deadlines are checked at the chain-time ticks that come on the contract
 * events' topic, in order with the events of each partition.
 */
public final class BatchTopology {

    public static final String READINESS_SOURCE = "readiness-source";
    public static final String READINESS_PARSE = "readiness-parse";
    public static final String L1_EVENTS_SOURCE = "l1-events-source";
    public static final String L1_EVENTS_PARSE = "l1-events-parse";
    public static final String L1_TX_RESULTS_SOURCE = "l1-tx-results-source";
    public static final String L1_TX_RESULTS_PARSE = "l1-tx-results-parse";
    public static final String PROOF_VERDICTS_SOURCE = "proof-verdicts-source";
    public static final String PROOF_VERDICTS_PARSE = "proof-verdicts-parse";
    public static final String BATCH_STATE_MACHINE = "batch-state-machine";
    /**
     * The persistent store of each batch's {@link BatchState}; its changelog is {@code <application.id>-batch-state-changelog}.
     * Not cached: with the record cache on, states deleted at the end of their retention were still read back (the memory
     * and scale bench saw them), and a dropped batch must stay dropped.
     */
    public static final String BATCH_STATE_STORE = "batch-state";
    /** The newest chain-time tick of the task's partition; changelog {@code <application.id>-chain-clock-changelog}. */
    public static final String CHAIN_CLOCK_STORE = "chain-clock";
    /** The batches whose deadline is running, by deadline (see {@link DeadlineIndex}); in memory, rebuilt from the batch states at start. */
    public static final String BATCH_DEADLINES_STORE = "batch-deadlines";
    /**
     * The batches in a final status, by the time their state is to be dropped (their final change's record time plus the
     * retention); in memory, rebuilt from the batch states at start like the deadline index.
     */
    public static final String FINISHED_BATCHES_STORE = "finished-batches";
    /**
     * How long a batch's state is kept after its final change (validation result sent, or fallen back): well past the
     * longest proving deadline (2 h) and any reorg, so that a late proof is still answered and a duplicate event still
     * recognised; after it, the state is dropped at the next chain-time tick, and so the stores hold the batches of the
     * last week and those still running, not every batch ever seen.
     */
    public static final Duration DEFAULT_FINISHED_RETENTION = Duration.ofDays(7);
    public static final String BATCH_STATUS_SINK = "batch-status-sink";
    public static final String L1_COMMANDS_SINK = "l1-commands-sink";
    public static final String FALLBACK_SINK = "fallback-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private BatchTopology() {
    }

    /** Builds the topology with the {@linkplain DeadlinePolicy#defaults() default deadlines}. */
    public static Topology build(final ProofRequestPolicy policy, final MeterRegistry meters) {
        return build(policy, DeadlinePolicy.defaults(), meters);
    }

    /** Builds the topology with the {@linkplain #DEFAULT_FINISHED_RETENTION default retention} of finished batches. */
    public static Topology build(final ProofRequestPolicy policy, final DeadlinePolicy deadlines, final MeterRegistry meters) {
        return build(policy, deadlines, DEFAULT_FINISHED_RETENTION, meters);
    }

    /** Builds the topology on the topics of {@link Topics} ({@link TopicNames#DEFAULT}). */
    public static Topology build(final ProofRequestPolicy policy, final DeadlinePolicy deadlines, final Duration finishedRetention,
            final MeterRegistry meters) {
        return build(policy, deadlines, finishedRetention, meters, TopicNames.DEFAULT);
    }

    /** Builds the topology on the deployment's topics {@code names}; every node and store carries the explicit names above. */
    public static Topology build(final ProofRequestPolicy policy, final DeadlinePolicy deadlines, final Duration finishedRetention,
            final MeterRegistry meters, final TopicNames names) {
        Objects.requireNonNull(policy, "policy");
        final Topic<BatchId, ReadinessEvent> readiness = names.of(Topics.READINESS);
        final Topic<BatchId, L1Record> l1Events = names.of(Topics.L1_EVENTS);
        final Topic<BatchId, L1TransactionResult> txResults = names.of(Topics.L1_TX_RESULTS);
        final Topic<BatchId, ProofVerdict> verdicts = names.of(Topics.PROOF_VERDICTS);
        final Topic<BatchId, BatchStatusRecord> status = names.of(Topics.BATCH_STATUS);
        final Topic<BatchId, L1Command> commands = names.of(Topics.L1_COMMANDS);
        final Topic<BatchId, FallbackRecord> fallback = names.of(Topics.FALLBACK);
        final Topic<BatchId, DeadLetter> deadLetter = names.of(Topics.DEAD_LETTER);
        Objects.requireNonNull(finishedRetention, "finishedRetention");
        Objects.requireNonNull(deadlines, "deadlines");
        final TopologyMetrics metrics = new TopologyMetrics(meters);
        final ByteArrayDeserializer raw = new ByteArrayDeserializer();
        final BatchStateProcessor.Children children = new BatchStateProcessor.Children(
                BATCH_STATE_STORE, BATCH_DEADLINES_STORE, CHAIN_CLOCK_STORE, BATCH_STATUS_SINK, L1_COMMANDS_SINK, FALLBACK_SINK)
                .withFinishedStore(FINISHED_BATCHES_STORE);
        final ProcessorSupplier<BatchId, Object, BatchId, Object> stateMachine =
                () -> new BatchStateProcessor(policy, deadlines, metrics, children, finishedRetention);
        return new Topology()
                // 1. readiness events arrive as raw bytes ...
                .addSource(READINESS_SOURCE, raw, raw, readiness.name())
                // 2. ... and are checked and decoded; the malformed ones become dead letters
                .addProcessor(READINESS_PARSE, parse(readiness, BatchEvent.Ready::new, metrics), READINESS_SOURCE)
                // 3. contract events and, between them, the chain-time ticks of each partition arrive as raw bytes ...
                .addSource(L1_EVENTS_SOURCE, raw, raw, l1Events.name())
                // 4. ... and are checked and decoded the same way: events keyed by their batch, ticks without a key
                .addProcessor(L1_EVENTS_PARSE, parseL1Events(l1Events, metrics), L1_EVENTS_SOURCE)
                // 5. the L1 sender's transaction results arrive as raw bytes and are checked and decoded the same way
                .addSource(L1_TX_RESULTS_SOURCE, raw, raw, txResults.name())
                .addProcessor(L1_TX_RESULTS_PARSE, parse(txResults, BatchEvent.TxResult::new, metrics), L1_TX_RESULTS_SOURCE)
                // 6. the proof handler's verdicts arrive as raw bytes and are checked and decoded the same way
                .addSource(PROOF_VERDICTS_SOURCE, raw, raw, verdicts.name())
                .addProcessor(PROOF_VERDICTS_PARSE, parse(verdicts, BatchEvent.Verdict::new, metrics), PROOF_VERDICTS_SOURCE)
                // 7. the valid events meet in the state machine, which keeps each batch's state in a store and, at each
                //    chain-time tick, checks the due deadlines, found through an index of the running ones
                .addProcessor(BATCH_STATE_MACHINE, stateMachine, READINESS_PARSE, L1_EVENTS_PARSE, L1_TX_RESULTS_PARSE, PROOF_VERDICTS_PARSE)
                .addStateStore(batchStateStore(), BATCH_STATE_MACHINE)
                .addStateStore(DeadlineIndex.storeBuilder(BATCH_DEADLINES_STORE), BATCH_STATE_MACHINE)
                .addStateStore(DeadlineIndex.storeBuilder(FINISHED_BATCHES_STORE), BATCH_STATE_MACHINE)
                .addStateStore(chainClockStore(), BATCH_STATE_MACHINE)
                // 8. changed batch records go to the status topic, commands to the L1 sender, fallbacks to in-house proving
                .addSink(BATCH_STATUS_SINK, status.name(),
                        status.keySerde().serializer(), status.valueSerde().serializer(), BATCH_STATE_MACHINE)
                .addSink(L1_COMMANDS_SINK, commands.name(),
                        commands.keySerde().serializer(), commands.valueSerde().serializer(), BATCH_STATE_MACHINE)
                .addSink(FALLBACK_SINK, fallback.name(),
                        fallback.keySerde().serializer(), fallback.valueSerde().serializer(), BATCH_STATE_MACHINE)
                // 9. dead letters of the four inputs go to the dead-letter topic
                .addSink(DEAD_LETTER_SINK, deadLetter.name(),
                        deadLetter.keySerde().serializer(), deadLetter.valueSerde().serializer(),
                        READINESS_PARSE, L1_EVENTS_PARSE, L1_TX_RESULTS_PARSE, PROOF_VERDICTS_PARSE);
    }

    private static <V> ProcessorSupplier<byte[], byte[], BatchId, Object> parse(
            final Topic<BatchId, V> topic, final Function<V, BatchEvent> toEvent, final TopologyMetrics metrics) {
        final var deadLetters = metrics.deadLetters(topic.name());
        final ParseStep.KeyRule<BatchId, V> keys = ParseStep.KeyRule.batchOf(value -> toEvent.apply(value).batchId());
        return () -> new ParseStep<BatchId, V, Object>(topic, keys, deadLetters,
                (context, valid) -> context.forward(valid.withValue(toEvent.apply(valid.value())), BATCH_STATE_MACHINE),
                (context, letter) -> context.forward(letter, DEAD_LETTER_SINK), CanonicalBatchKey::read);
    }

    /**
     * Contract events go on as {@link BatchEvent.OnChain} keyed by their batch; a chain-time tick goes on as itself, without
     * a key. A keyless event and a keyed tick are dead letters.
     */
    private static ProcessorSupplier<byte[], byte[], BatchId, Object> parseL1Events(final Topic<BatchId, L1Record> l1Events,
            final TopologyMetrics metrics) {
        final var deadLetters = metrics.deadLetters(l1Events.name());
        final ParseStep.KeyRule<BatchId, L1Record> keys = new ParseStep.KeyRule<>(false,
                value -> value instanceof L1Event event ? Optional.of(event.batchId()) : Optional.empty(), Optional.of("batch"));
        return () -> new ParseStep<BatchId, L1Record, Object>(l1Events, keys, deadLetters,
                (context, valid) -> context.forward(valid.withValue(switch (valid.value()) {
                    case L1Event event -> new BatchEvent.OnChain(event);
                    case ChainTime tick -> tick;
                }), BATCH_STATE_MACHINE),
                (context, letter) -> context.forward(letter, DEAD_LETTER_SINK), CanonicalBatchKey::read);
    }

    private static StoreBuilder<KeyValueStore<String, ChainTime>> chainClockStore() {
        final Serde<ChainTime> ticks = Serdes.serdeFrom((topic, tick) -> tick == null ? null : RecordJson.toBytes(tick),
                (topic, bytes) -> bytes == null ? null : RecordJson.fromBytes(bytes, ChainTime.class));
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHAIN_CLOCK_STORE), Serdes.String(), ticks);
    }

    private static StoreBuilder<KeyValueStore<BatchId, BatchState>> batchStateStore() {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(BATCH_STATE_STORE), Topics.BATCH_STATUS.keySerde(), new BatchStateSerde());
    }
}
