package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static io.ethproofmanager.topology.BatchFixtures.SUBMITTED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadlineIndexTest {

    private static final BatchId OTHER = new BatchId(271L, 43L);
    private static final BatchId FINISHED = new BatchId(271L, 44L);

    private MockProcessorContext<BatchId, Object> context;
    private KeyValueStore<BatchId, BatchState> states;
    private KeyValueStore<Bytes, byte[]> deadlines;
    private KeyValueStore<String, ChainTime> chainClock;

    @BeforeEach
    void stores() {
        context = new MockProcessorContext<>();
        states = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BatchTopology.BATCH_STATE_STORE),
                Topics.BATCH_STATUS.keySerde(), new BatchStateSerde()).withLoggingDisabled().build();
        deadlines = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BatchTopology.BATCH_DEADLINES_STORE),
                org.apache.kafka.common.serialization.Serdes.Bytes(), org.apache.kafka.common.serialization.Serdes.ByteArray())
                .withLoggingDisabled().build();
        chainClock = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BatchTopology.CHAIN_CLOCK_STORE),
                org.apache.kafka.common.serialization.Serdes.String(), new org.apache.kafka.common.serialization.Serdes.WrapperSerde<>(
                        (topic, tick) -> io.ethproofmanager.schemas.RecordJson.toBytes(tick),
                        (topic, bytes) -> io.ethproofmanager.schemas.RecordJson.fromBytes(bytes, ChainTime.class)))
                .withLoggingDisabled().build();
        for (final var store : java.util.List.of(states, deadlines, chainClock)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
    }

    @Test
    void startingOnBatchStatesWithoutAnIndexIndexesTheRunningDeadlines() {
        // what the first start after an upgrade finds: batch states written by a version without the index
        states.put(BATCH, sent(BATCH));
        states.put(OTHER, ready(OTHER));
        states.put(FINISHED, BatchStateMachine.deadlines(sent(FINISHED), SUBMITTED_AT.plusSeconds(121), DeadlinePolicy.defaults(), POLICY)
                .state().orElseThrow());

        processor().init(context);

        assertThat(new DeadlineIndex(deadlines).all()).containsExactly(
                KeyValue.pair(OTHER, Instant.EPOCH),
                KeyValue.pair(BATCH, SUBMITTED_AT.plusSeconds(120)));
    }

    @Test
    void theIndexIsRebuiltFromTheBatchStatesAtEveryStartWhateverItHeld() {
        // the index has no changelog: it follows the batch states the task starts with, never an entry of its own
        states.put(BATCH, sent(BATCH));
        new DeadlineIndex(deadlines).move(OTHER, Optional.empty(), Optional.of(SUBMITTED_AT));

        processor().init(context);

        assertThat(new DeadlineIndex(deadlines).all()).containsExactly(KeyValue.pair(BATCH, SUBMITTED_AT.plusSeconds(120)));
    }

    @Test
    void dueByReturnsTheDeadlinesUpToAndIncludingNowInDeadlineOrder() {
        final DeadlineIndex index = new DeadlineIndex(deadlines);
        index.move(OTHER, Optional.empty(), Optional.of(SUBMITTED_AT.plusSeconds(5)));
        index.move(BATCH, Optional.empty(), Optional.of(SUBMITTED_AT.plusSeconds(10)));
        index.move(FINISHED, Optional.empty(), Optional.of(SUBMITTED_AT.plusSeconds(11)));
        index.move(FINISHED, Optional.of(SUBMITTED_AT.plusSeconds(11)), Optional.empty());

        assertThat(index.dueBy(SUBMITTED_AT.plusSeconds(10))).containsExactly(
                KeyValue.pair(OTHER, SUBMITTED_AT.plusSeconds(5)), KeyValue.pair(BATCH, SUBMITTED_AT.plusSeconds(10)));
        assertThat(index.dueBy(SUBMITTED_AT.plusSeconds(9))).containsExactly(KeyValue.pair(OTHER, SUBMITTED_AT.plusSeconds(5)));
        assertThat(index.dueBy(SUBMITTED_AT)).isEmpty();
    }

    private BatchStateProcessor processor() {
        return new BatchStateProcessor(POLICY, DeadlinePolicy.defaults(), new TopologyMetrics(new SimpleMeterRegistry()),
                new BatchStateProcessor.Children(BatchTopology.BATCH_STATE_STORE, BatchTopology.BATCH_DEADLINES_STORE,
                        BatchTopology.CHAIN_CLOCK_STORE, "status", "command", "fallback"));
    }

    private static BatchState ready(final BatchId batch) {
        return BatchStateMachine.apply(Optional.empty(), new BatchEvent.Ready(BatchFixtures.readiness(batch)), RECORD_TIME, POLICY)
                .state().orElseThrow();
    }

    private static BatchState sent(final BatchId batch) {
        return BatchStateMachine.apply(Optional.of(ready(batch)), new BatchEvent.OnChain(BatchFixtures.submitted(batch)), RECORD_TIME, POLICY)
                .state().orElseThrow();
    }
}
