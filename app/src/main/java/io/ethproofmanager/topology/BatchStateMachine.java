package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The batch status machine: one pure function from (current state, event, time, policy) to a {@link Transition}.
 *
 * <p>It is event-sourced: an event only changes the batch's {@link BatchState} (a duplicate or an unknown retraction
 * changes nothing), and the status record is {@link StatusProjection#project projected} from that state. A new record,
 * with the next version, is published only when the projection differs from the last published record, so events in
 * any order, duplicates and reorg retractions all end in the record the live chain events stand for.
 *
 * <p>The one command, a {@link SubmitProofRequest}, is issued at the batch's first readiness only. A retraction that
 * takes the batch back to ready_to_be_proven does not issue it again: its command id is stable per batch, and the L1
 * sender reconciles with the contract (a request already there is reported {@code already_on_chain}, and a transaction
 * reorganised out is still the sender's to re-include), so a second command could only end in
 * {@code DuplicatedProofRequest}.
 */
public final class BatchStateMachine {

    private BatchStateMachine() {
    }

    /**
     * Decides what {@code event} does to a batch whose current state is {@code current} (empty: the batch is unknown).
     * {@code at} is the event's time (the input record's timestamp), never the wall clock.
     */
    public static Transition apply(
            final Optional<BatchState> current, final BatchEvent event, final Instant at, final ProofRequestPolicy policy) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(policy, "policy");
        current.ifPresent(state -> requireSameBatch(state.batchId(), event.batchId()));
        if (current.isEmpty()) {
            return event instanceof BatchEvent.Ready ready
                    ? batchReady(ready.event(), at, policy)
                    : Transition.unchanged(Outcome.UNKNOWN_BATCH);
        }
        final BatchState state = current.get();
        return switch (event) {
            case BatchEvent.Ready ready -> Transition.unchanged(Outcome.DUPLICATE_READINESS);
            case BatchEvent.OnChain onChain -> onChain.event().removed()
                    ? retraction(state, onChain.event(), at)
                    : addition(state, onChain.event(), at);
            case BatchEvent.TxResult txResult -> txResult(state, txResult.result(), at);
        };
    }

    /** A new batch: ready_to_be_proven, and one proof request with the public URL. */
    private static Transition batchReady(final ReadinessEvent ready, final Instant at, final ProofRequestPolicy policy) {
        final BatchStatusRecord record = new BatchStatusRecord(
                ready.chainId(), ready.batchNumber(), BatchStatus.READY_TO_BE_PROVEN, 1L,
                ready.proofGenDataBlobUrl(), ready.protocolVersion(),
                null, null, null, null, null, null, at, at);
        final SubmitProofRequest request = new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(ready.batchId()), ready.chainId(), ready.batchNumber(),
                ready.proofGenDataBlobUrl(), ready.protocolVersion(),
                policy.timeoutAfter().toSeconds(), policy.maxRewardMicroUsdc(), at);
        return Transition.changed(BatchState.initial(ready, record), List.of(request), Outcome.BATCH_READY);
    }

    /** A contract event becomes live, unless its log position already is. */
    private static Transition addition(final BatchState state, final L1Event event, final Instant at) {
        if (state.liveEventAt(event.log()).isPresent()) {
            return Transition.unchanged(Outcome.DUPLICATE_EVENT);
        }
        return project(state.withEvent(event), at, outcomeOf(event), Outcome.EVENT_RECORDED);
    }

    /** A reorg took a contract event off the chain: the live event at its position goes, if there is one. */
    private static Transition retraction(final BatchState state, final L1Event event, final Instant at) {
        if (state.liveEventAt(event.log()).isEmpty()) {
            return Transition.unchanged(Outcome.UNKNOWN_RETRACTION);
        }
        return project(state.withoutEventAt(event.log()), at, Outcome.RETRACTED, Outcome.RETRACTED);
    }

    /** The latest result of a command replaces the one held; an equal one changes nothing. */
    private static Transition txResult(final BatchState state, final L1TransactionResult result, final Instant at) {
        if (result.equals(state.txResults().get(result.commandId()))) {
            return Transition.unchanged(Outcome.DUPLICATE_EVENT);
        }
        final Outcome whenChanged = StatusProjection.isRequestOnChain(result) ? Outcome.REQUEST_SENT : Outcome.TX_RESULT_RECORDED;
        return project(state.withTxResult(result), at, whenChanged, Outcome.TX_RESULT_RECORDED);
    }

    /** Stores {@code next}, and publishes the next version of its record when the projection changed. */
    private static Transition project(final BatchState next, final Instant at, final Outcome whenChanged, final Outcome whenSame) {
        final BatchStatusRecord projected = StatusProjection.project(next);
        if (projected.equals(next.lastPublished())) {
            return Transition.stored(next, whenSame);
        }
        return Transition.changed(next.withPublished(StatusProjection.nextVersion(projected, at)), List.of(), whenChanged);
    }

    /** The outcome of a contract event that changes the batch's record. */
    private static Outcome outcomeOf(final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted submitted -> Outcome.REQUEST_SENT;
            case L1Event.ProofRequestAcknowledged ack -> ack.accepted() ? Outcome.ACKNOWLEDGED : Outcome.REFUSED;
            case L1Event.ProofRequestProven proven -> Outcome.EVENT_RECORDED;
            case L1Event.ProofValidationResult result -> Outcome.EVENT_RECORDED;
        };
    }

    private static void requireSameBatch(final BatchId current, final BatchId event) {
        if (!current.equals(event)) {
            throw new IllegalArgumentException("event for batch " + event + " applied to the state of batch " + current);
        }
    }
}
