package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ReadinessEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A batch's event-sourced state, the value of the {@code batch-state} store (internal changelog data, not a downstream
 * contract): the readiness facts, the latest L1 transaction result of each command, the chain events that are live
 * (published and not retracted), in chain order, the last published status record, and three facts that are kept once
 * known: the batch's first proof verdict, the chain time at which it was first seen ready without a request on L1 (the
 * start of its not-picked-up deadline) and its fallback (final: a batch handed to in-house proving stays there). These
 * three are null in the stored JSON until known, so that earlier store values still read; their accessors are
 * {@link #proofVerdict()}, {@link #pickUpClockStart()} and {@link #fallenBack()}.
 *
 * <p>A live event is identified by its log position, block hash and log index: a log re-mined in another block after a
 * reorg is another log, and its retraction can only remove the copy of the block that was reorganised away.
 */
public record BatchState(
        ReadinessEvent readiness,
        Map<String, L1TransactionResult> txResults,
        List<L1Event> liveEvents,
        BatchStatusRecord lastPublished,
        ProofVerdict verdict,
        Instant readySeenAtChainTime,
        FallbackRecord fallback) {

    /** The order of logs on chain: by block number, then by log index within the block. */
    public static final Comparator<L1Event> CHAIN_ORDER = Comparator
            .comparingLong((final L1Event event) -> event.log().blockNumber())
            .thenComparingLong(event -> event.log().logIndex())
            .thenComparing(event -> event.log().blockHash());

    public BatchState {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(lastPublished, "lastPublished");
        txResults = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(txResults, "txResults")));
        liveEvents = liveEvents.stream().sorted(CHAIN_ORDER).toList();
        requireBatch(readiness.batchId(), lastPublished.batchId(), "published record");
        txResults.values().forEach(result -> requireBatch(readiness.batchId(), result.batchId(), "transaction result"));
        for (final L1Event event : liveEvents) {
            requireBatch(readiness.batchId(), event.batchId(), "live event");
            if (event.removed()) {
                throw new IllegalArgumentException("a retraction is never live: " + event);
            }
        }
        if (verdict != null) {
            requireBatch(readiness.batchId(), verdict.batchId(), "proof verdict");
        }
        if (fallback != null) {
            requireBatch(readiness.batchId(), fallback.batchId(), "fallback");
        }
    }

    /** A state without verdict, pick-up clock or fallback. */
    public BatchState(final ReadinessEvent readiness, final Map<String, L1TransactionResult> txResults, final List<L1Event> liveEvents,
            final BatchStatusRecord lastPublished) {
        this(readiness, txResults, liveEvents, lastPublished, null, null, null);
    }

    /** The state of a batch that just became ready and was published for the first time. */
    public static BatchState initial(final ReadinessEvent readiness, final BatchStatusRecord published) {
        return new BatchState(readiness, Map.of(), List.of(), published);
    }

    public BatchId batchId() {
        return readiness.batchId();
    }

    /** The batch's first proof verdict, if one arrived. */
    public Optional<ProofVerdict> proofVerdict() {
        return Optional.ofNullable(verdict);
    }

    /** The chain time at which the batch was first seen ready without a proof request on L1, if it was. */
    public Optional<Instant> pickUpClockStart() {
        return Optional.ofNullable(readySeenAtChainTime);
    }

    /** The batch's fallback, if it fell back. */
    public Optional<FallbackRecord> fallenBack() {
        return Optional.ofNullable(fallback);
    }

    /** The live events of one kind, in chain order. */
    public <E extends L1Event> List<E> live(final Class<E> kind) {
        return liveEvents.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The live event at {@code log}'s position (same block hash and log index), if any. */
    public Optional<L1Event> liveEventAt(final LogPosition log) {
        return liveEvents.stream().filter(event -> samePosition(event.log(), log)).findFirst();
    }

    /**
     * This state with {@code event} live; the caller has checked that its position is not live yet. A proof is kept
     * without its bytes (the proof handler has them; the state needs only the fact and its size), so that stored states
     * stay small.
     */
    public BatchState withEvent(final L1Event event) {
        final List<L1Event> events = new ArrayList<>(liveEvents);
        events.add(event instanceof L1Event.ProofRequestProven proven ? proven.withoutProof() : event);
        return new BatchState(readiness, txResults, events, lastPublished, verdict, readySeenAtChainTime, fallback);
    }

    /** This state without the live event at {@code log}'s position. */
    public BatchState withoutEventAt(final LogPosition log) {
        final List<L1Event> events = liveEvents.stream().filter(event -> !samePosition(event.log(), log)).toList();
        return new BatchState(readiness, txResults, events, lastPublished, verdict, readySeenAtChainTime, fallback);
    }

    /** This state with {@code result} as the latest result of its command. */
    public BatchState withTxResult(final L1TransactionResult result) {
        final Map<String, L1TransactionResult> results = new TreeMap<>(txResults);
        results.put(result.commandId(), result);
        return new BatchState(readiness, results, liveEvents, lastPublished, verdict, readySeenAtChainTime, fallback);
    }

    public BatchState withPublished(final BatchStatusRecord published) {
        return new BatchState(readiness, txResults, liveEvents, published, verdict, readySeenAtChainTime, fallback);
    }

    /** This state with {@code first} as the batch's proof verdict; the caller has checked that it has none yet. */
    public BatchState withVerdict(final ProofVerdict first) {
        return new BatchState(readiness, txResults, liveEvents, lastPublished, first, readySeenAtChainTime, fallback);
    }

    /** This state with its not-picked-up deadline measured from chain time {@code start}. */
    public BatchState withPickUpClockStart(final Instant start) {
        return new BatchState(readiness, txResults, liveEvents, lastPublished, verdict, start, fallback);
    }

    /** This state fallen back with {@code record}; the caller has checked that it had not fallen back yet. */
    public BatchState withFallback(final FallbackRecord record) {
        return new BatchState(readiness, txResults, liveEvents, lastPublished, verdict, readySeenAtChainTime, record);
    }

    private static void requireBatch(final BatchId batch, final BatchId other, final String what) {
        if (!batch.equals(other)) {
            throw new IllegalArgumentException("state of batch " + batch + " given a " + what + " of batch " + other);
        }
    }

    private static boolean samePosition(final LogPosition a, final LogPosition b) {
        return a.blockHash().equalsIgnoreCase(b.blockHash()) && a.logIndex() == b.logIndex();
    }
}
