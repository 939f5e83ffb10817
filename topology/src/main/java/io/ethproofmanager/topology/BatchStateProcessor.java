package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Command;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link BatchStateMachine#apply} on each batch event against the batch's stored state, at the input record's
 * timestamp, and {@link BatchStateMachine#deadlines} at each chain-time tick of its partition on the batches whose
 * deadline the {@link DeadlineIndex} says is due; stores a changed state, moves it in the index, and publishes its record,
 * commands and fallback record.
 *
 * <p>The ticks come on the contract events' own topic partition, after the events of the same ingester step, so the
 * chain time a deadline is judged at never runs ahead of the events of the batches it judges: a proof that was on time on
 * chain is always applied before the tick that would time its request out. The newest tick is kept in the task's
 * {@code chain-clock} store, so a batch that becomes ready gets its proof request at once.
 */
final class BatchStateProcessor implements Processor<BatchId, Object, BatchId, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchStateProcessor.class);

    private final ProofRequestPolicy policy;
    private final DeadlinePolicy deadlines;
    private final TopologyMetrics metrics;
    private final Children children;
    private ProcessorContext<BatchId, Object> context;
    private KeyValueStore<BatchId, BatchState> store;
    private DeadlineIndex deadlineIndex;
    /** Finished batches by the time their state is dropped; empty where they are kept for good. */
    private Optional<DeadlineIndex> finished = Optional.empty();
    private final java.time.Duration finishedRetention;
    private KeyValueStore<String, ChainTime> chainClock;
    /** The newest block timestamp of the chain-clock store, read once at init and kept with each tick. */
    private Optional<Instant> chainTime = Optional.empty();

    /**
     * The names of the batch-state, deadline-index and chain-clock stores and the sinks this processor forwards to, and of
     * the index of finished batches (empty: finished batches are kept for good).
     */
    record Children(String stateStore, String deadlineStore, String chainClockStore, String status, String command, String fallback,
            Optional<String> finishedStore) {

        Children(final String stateStore, final String deadlineStore, final String chainClockStore, final String status,
                final String command, final String fallback) {
            this(stateStore, deadlineStore, chainClockStore, status, command, fallback, Optional.empty());
        }

        Children withFinishedStore(final String name) {
            return new Children(stateStore, deadlineStore, chainClockStore, status, command, fallback, Optional.of(name));
        }

        Children {
            Objects.requireNonNull(finishedStore, "finishedStore");
            Objects.requireNonNull(stateStore, "stateStore");
            Objects.requireNonNull(deadlineStore, "deadlineStore");
            Objects.requireNonNull(chainClockStore, "chainClockStore");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(fallback, "fallback");
        }
    }

    BatchStateProcessor(final ProofRequestPolicy policy, final DeadlinePolicy deadlines, final TopologyMetrics metrics,
            final Children children) {
        this(policy, deadlines, metrics, children, BatchTopology.DEFAULT_FINISHED_RETENTION);
    }

    BatchStateProcessor(final ProofRequestPolicy policy, final DeadlinePolicy deadlines, final TopologyMetrics metrics,
            final Children children, final java.time.Duration finishedRetention) {
        this.finishedRetention = Objects.requireNonNull(finishedRetention, "finishedRetention");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.children = Objects.requireNonNull(children, "children");
    }

    @Override
    public void init(final ProcessorContext<BatchId, Object> context) {
        this.context = context;
        this.store = context.getStateStore(children.stateStore());
        this.deadlineIndex = new DeadlineIndex(context.getStateStore(children.deadlineStore()));
        this.finished = children.finishedStore().map(name -> new DeadlineIndex(context.getStateStore(name)));
        this.chainClock = context.getStateStore(children.chainClockStore());
        this.chainTime = newestStored();
        indexStoredBatches();
    }

    @Override
    public void process(final Record<BatchId, Object> record) {
        switch (record.value()) {
            case ChainTime tick -> tick(tick, record.timestamp());
            case BatchEvent event -> event(record.key(), event, record.timestamp());
            default -> throw new IllegalArgumentException("the batch state machine takes batch events and chain-time ticks, not "
                    + record.value().getClass().getName());
        }
    }

    private void event(final BatchId batch, final BatchEvent event, final long timestamp) {
        final Optional<BatchState> before = Optional.ofNullable(store.get(batch));
        final Transition transition = BatchStateMachine.apply(before, event, Instant.ofEpochMilli(timestamp), policy);
        metrics.countEvent(transition.outcome());
        if (transition.outcome() == Outcome.UNKNOWN_BATCH) {
            LOG.info("{} for batch {} that has no status: nothing stored", kindOf(event), batch);
        }
        // the proof request goes out at once when this partition's chain time is known, else at its first tick; the
        // batch's state is then stored once, as it stands after both steps
        final Optional<Transition> judged = transition.outcome() == Outcome.BATCH_READY
                ? chainTime.flatMap(now -> transition.state().flatMap(ready -> judgement(batch, ready, now)))
                : Optional.empty();
        emit(batch, before, judged.isPresent() ? List.of(transition, judged.get()) : List.of(transition), timestamp);
    }

    /**
     * Keeps the newest chain time of this partition (a reorg's older tick never turns it back) and judges the due batches.
     * What that produces carries the tick's record timestamp: chain time may run far ahead of the wall clock (a test or
     * development chain), and the broker refuses records timestamped too far in the future.
     */
    private void tick(final ChainTime tick, final long timestamp) {
        final ChainTime held = chainClock.get(tick.contractAddress());
        if (held == null || tick.blockTimestamp().isAfter(held.blockTimestamp())) {
            chainClock.put(tick.contractAddress(), tick);
            chainTime = chainTime.filter(newest -> !newest.isBefore(tick.blockTimestamp())).or(() -> Optional.of(tick.blockTimestamp()));
        }
        chainTime.ifPresent(now -> checkDeadlines(now, timestamp));
        // a final change is timed by chain time (a deadline) or record time (an event): the state is dropped once both
        // clocks are past its retention, never early by either
        chainTime.ifPresent(now -> dropFinished(now.isBefore(Instant.ofEpochMilli(timestamp)) ? now : Instant.ofEpochMilli(timestamp)));
    }

    /**
     * Drops the state of every batch whose final change (its record's updatedAt) is older than the retention at
     * {@code now}. Its status record stays on the compacted status topic and its row in PostgreSQL; only the topology
     * forgets it.
     */
    private void dropFinished(final Instant now) {
        finished.ifPresent(index -> {
            for (final KeyValue<BatchId, Instant> due : index.dueBy(now)) {
                index.move(due.key, Optional.of(due.value), Optional.empty());
                final BatchState state = store.get(due.key);
                if (state != null && dropAt(state).equals(Optional.of(due.value))) {
                    store.delete(due.key);
                    metrics.countEvent(Outcome.FINISHED_DROPPED);
                }
            }
        });
    }

    /** When the state of a batch in a final status is to be dropped; empty while it is not final. */
    private Optional<Instant> dropAt(final BatchState state) {
        final BatchStatusRecord last = state.lastPublished();
        final boolean done = last.status() == BatchStatus.FALLEN_BACK || last.status() == BatchStatus.VALIDATION_RESULT_SENT_TO_L1;
        return done && BatchStateMachine.nextDeadline(state, deadlines).isEmpty()
                ? Optional.of(last.updatedAt().plus(finishedRetention)) : Optional.empty();
    }

    /** The due batches meet the chain time. */
    private void checkDeadlines(final Instant now, final long timestamp) {
        for (final KeyValue<BatchId, Instant> due : deadlineIndex.dueBy(now)) {
            final Optional<BatchState> before = Optional.ofNullable(store.get(due.key));
            if (before.isEmpty() || !BatchStateMachine.nextDeadline(before.get(), deadlines).equals(Optional.of(due.value))) {
                LOG.warn("deadline index entry of batch {} at {} does not match its state: re-indexed", due.key, due.value);
                deadlineIndex.move(due.key, Optional.of(due.value), before.flatMap(state -> BatchStateMachine.nextDeadline(state, deadlines)));
                continue;
            }
            judge(due.key, before.get(), now, timestamp);
        }
    }

    private void judge(final BatchId batch, final BatchState before, final Instant now, final long timestamp) {
        judgement(batch, before, now).ifPresent(transition -> emit(batch, Optional.of(before), List.of(transition), timestamp));
    }

    /** What chain time {@code now} does to the batch in state {@code before}; empty when nothing changes. */
    private Optional<Transition> judgement(final BatchId batch, final BatchState before, final Instant now) {
        final Transition transition = BatchStateMachine.deadlines(before, now, deadlines, policy);
        if (transition.state().isEmpty()) {
            return Optional.empty();
        }
        metrics.countEvent(transition.outcome());
        transition.fallback().ifPresent(fallback ->
                LOG.info("Batch {} fell back at chain time {}: {}", batch, now, StatusProjection.fallbackReason(fallback)));
        return Optional.of(transition);
    }

    /**
     * Builds the deadline index from the batch states: the index is an in-memory store without a changelog, empty at
     * every start of the task (after its batch-state store is restored), so it always follows the states it is built from.
     */
    private void indexStoredBatches() {
        deadlineIndex.clear();
        finished.ifPresent(DeadlineIndex::clear);
        int indexed = 0;
        final long began = System.nanoTime();
        try (KeyValueIterator<BatchId, BatchState> batches = store.all()) {
            while (batches.hasNext()) {
                final KeyValue<BatchId, BatchState> batch = batches.next();
                final Optional<Instant> deadline = BatchStateMachine.nextDeadline(batch.value, deadlines);
                deadlineIndex.move(batch.key, Optional.empty(), deadline);
                indexed += deadline.isPresent() ? 1 : 0;
                final BatchState state = batch.value;
                finished.ifPresent(index -> index.move(batch.key, Optional.empty(), dropAt(state)));
            }
        }
        if (indexed > 0) {
            LOG.info("indexed the running deadlines of {} stored batches in {} ms", indexed, (System.nanoTime() - began) / 1_000_000);
        }
    }

    /** The newest chain time of this partition's stored ticks (one entry per contract). */
    private Optional<Instant> newestStored() {
        try (KeyValueIterator<String, ChainTime> contracts = chainClock.all()) {
            Optional<Instant> newest = Optional.empty();
            while (contracts.hasNext()) {
                final Instant time = contracts.next().value.blockTimestamp();
                newest = newest.filter(held -> !held.isBefore(time)).or(() -> Optional.of(time));
            }
            return newest;
        }
    }

    /**
     * Stores the state the last of {@code steps} left (once, however many steps changed it), moves the batch in the
     * deadline index, and publishes each step's record, commands and fallback record in order.
     */
    private void emit(final BatchId batch, final Optional<BatchState> before, final List<Transition> steps, final long timestamp) {
        Optional<BatchState> after = Optional.empty();
        for (final Transition step : steps) {
            after = step.state().isPresent() ? step.state() : after;
        }
        after.ifPresent(next -> {
            store.put(batch, next);
            deadlineIndex.move(batch, before.flatMap(state -> BatchStateMachine.nextDeadline(state, deadlines)),
                    BatchStateMachine.nextDeadline(next, deadlines));
            finished.ifPresent(index -> index.move(batch, before.flatMap(this::dropAt), dropAt(next)));
        });
        for (final Transition step : steps) {
            step.next().ifPresent(next ->
                    context.forward(new Record<BatchId, Object>(batch, next, timestamp), children.status()));
            for (final L1Command command : step.commands()) {
                context.forward(new Record<BatchId, Object>(command.batchId(), command, timestamp), children.command());
            }
            step.fallback().ifPresent(fallback ->
                    context.forward(new Record<BatchId, Object>(batch, fallback, timestamp), children.fallback()));
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
