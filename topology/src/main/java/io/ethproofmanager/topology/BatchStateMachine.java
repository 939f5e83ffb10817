package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The batch status machine: pure functions from (current state, event, time, policy) and from (state, chain time,
 * deadline policy) to a {@link Transition}.
 *
 * <p>It is event-sourced: an event only changes the batch's {@link BatchState} (a duplicate or an unknown retraction
 * changes nothing), and the status record is {@link StatusProjection#project projected} from that state. A new record,
 * with the next version, is published only when the projection differs from the last published record, so events in
 * any order, duplicates and reorg retractions all end in the record the live chain events stand for.
 *
 * <p>A fallback is the exception: when the events or a deadline first call for one ({@link FallbackRules}), it is kept in
 * the state for good and published once as a {@link FallbackRecord}. Later events are still kept, but the batch stays
 * fallen_back and nothing more is sent for it.
 *
 * <p>Two commands: a {@link SubmitProofRequest} when the ready batch first meets a chain time (its pick-up clock starts
 * then, and the request carries the deadline {@code start + notPickedUp} as {@code notPickedUpBy}), and a
 * {@link SubmitProofValidationResult} at its first proof verdict only, even when the batch already fell back, so that a
 * request this manager made never stays Proven on chain. A retraction that takes the batch back does not issue them
 * again: their command ids are stable per batch, and the L1 sender reconciles with the contract (a request already there
 * is reported {@code already_on_chain}, and a transaction reorganised out is still the sender's to re-include: it
 * reports it {@code reorged_out}, which takes back what its {@code mined} result stood for, then sends it again), so a
 * second command could only end in {@code DuplicatedProofRequest}.
 *
 * <p>Not picked up is decided in one place, the L1 sender: it either sends the request, or, when chain time is past
 * {@code notPickedUpBy} before it ever signed one, records it as expired and never sends it; the batch falls back as
 * not_picked_up only on that {@code expired} result. So a batch is never reported as not requested while its request
 * was sent or may have been sent, however long the sender was down or behind. The other deadlines are judged here, at
 * chain-time ticks that follow the events of the same partition.
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
                    ? batchReady(ready.event(), at)
                    : Transition.unchanged(Outcome.UNKNOWN_BATCH);
        }
        final BatchState state = current.get();
        return switch (event) {
            case BatchEvent.Ready ready -> Transition.unchanged(Outcome.DUPLICATE_READINESS);
            case BatchEvent.OnChain onChain -> onChain.event().removed()
                    ? retraction(state, onChain.event(), at)
                    : addition(state, onChain.event(), at);
            case BatchEvent.TxResult txResult -> txResult(state, txResult.result(), at);
            case BatchEvent.Verdict verdict -> verdict(state, verdict.verdict(), at);
        };
    }

    /**
     * Decides what chain time {@code chainTime} does to {@code state}: a ready batch whose pick-up clock has not started
     * starts it at {@code chainTime} and issues its proof request, to be sent before {@code chainTime + notPickedUp}; a
     * batch whose request is on L1 falls back when a deadline has passed (unacknowledged, timed out), at {@code chainTime}.
     * {@code chainTime} must be a time up to which the batch's contract events have been applied.
     */
    public static Transition deadlines(final BatchState state, final Instant chainTime, final DeadlinePolicy deadlines,
            final ProofRequestPolicy requests) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(chainTime, "chainTime");
        Objects.requireNonNull(deadlines, "deadlines");
        Objects.requireNonNull(requests, "requests");
        if (state.fallenBack().isPresent()) {
            return Transition.unchanged(Outcome.NOTHING_DUE);
        }
        if (StatusProjection.isRequestOnL1(state)) {
            return FallbackRules.deadlinePassed(state, chainTime, deadlines)
                    .map(cause -> fallBack(state, cause, chainTime))
                    .orElseGet(() -> Transition.unchanged(Outcome.NOTHING_DUE));
        }
        if (state.pickUpClockStart().isPresent()) {
            return Transition.unchanged(Outcome.NOTHING_DUE);
        }
        final ReadinessEvent ready = state.readiness();
        final SubmitProofRequest request = new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(ready.batchId()), ready.chainId(), ready.batchNumber(),
                ready.proofGenDataBlobUrl(), ready.protocolVersion(),
                requests.timeoutAfter().toSeconds(), requests.maxRewardMicroUsdc(), chainTime,
                chainTime.plus(deadlines.notPickedUp()));
        return Transition.issued(state.withPickUpClockStart(chainTime), List.of(request), Outcome.REQUEST_ISSUED);
    }

    /**
     * The earliest chain time at which {@link #deadlines} can change {@code state}, or empty when no chain time ever can:
     * {@link Instant#EPOCH} for a ready batch whose pick-up clock has not started (any chain time starts it), the
     * acknowledgement or proving deadline while one runs, nothing once the batch fell back, was refused or was proven, and
     * nothing while its issued request is the sender's (it alone decides whether the request expires).
     * {@code deadlines} at any chain time before the returned one changes nothing.
     */
    public static Optional<Instant> nextDeadline(final BatchState state, final DeadlinePolicy policy) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(policy, "policy");
        if (state.fallenBack().isPresent()) {
            return Optional.empty();
        }
        if (StatusProjection.isRequestOnL1(state)) {
            return FallbackRules.pendingDeadline(state, policy);
        }
        return state.pickUpClockStart().isPresent() ? Optional.empty() : Optional.of(Instant.EPOCH);
    }

    /** A new batch: ready_to_be_proven; its proof request is issued by {@link #deadlines} at the first chain time. */
    private static Transition batchReady(final ReadinessEvent ready, final Instant at) {
        final BatchStatusRecord record = new BatchStatusRecord(
                ready.chainId(), ready.batchNumber(), BatchStatus.READY_TO_BE_PROVEN, 1L,
                ready.proofGenDataBlobUrl(), ready.protocolVersion(),
                null, null, null, null, null, null, at, at);
        return Transition.changed(BatchState.initial(ready, record), List.of(), Outcome.BATCH_READY);
    }

    /** A contract event becomes live, unless its log position already is. */
    private static Transition addition(final BatchState state, final L1Event event, final Instant at) {
        if (state.liveEventAt(event.log()).isPresent()) {
            return Transition.unchanged(Outcome.DUPLICATE_EVENT);
        }
        return project(state, state.withEvent(event), at, List.of(), outcomeOf(event), Outcome.EVENT_RECORDED);
    }

    /** A reorg took a contract event off the chain: the live event at its position goes, if there is one. */
    private static Transition retraction(final BatchState state, final L1Event event, final Instant at) {
        if (state.liveEventAt(event.log()).isEmpty()) {
            return Transition.unchanged(Outcome.UNKNOWN_RETRACTION);
        }
        return project(state, state.withoutEventAt(event.log()), at, List.of(), Outcome.RETRACTED, Outcome.RETRACTED);
    }

    /**
     * The latest result of a command replaces the one held; an equal one changes nothing. A {@code reorged_out} result
     * replaces the {@code mined} one of the same command, so the request or validation result counts as on L1 again only
     * through the live events or the command's next result; like a retraction, it issues no command (the sender sends
     * the command again itself).
     */
    private static Transition txResult(final BatchState state, final L1TransactionResult result, final Instant at) {
        if (result.equals(state.txResults().get(result.commandId()))) {
            return Transition.unchanged(Outcome.DUPLICATE_EVENT);
        }
        final Outcome whenChanged = StatusProjection.isRequestOnChain(result) ? Outcome.REQUEST_SENT
                : StatusProjection.isValidationOnChain(result) ? Outcome.VALIDATION_SENT
                : result.outcome() == L1TransactionResult.Outcome.REORGED_OUT ? Outcome.RETRACTED : Outcome.TX_RESULT_RECORDED;
        return project(state, state.withTxResult(result), at, List.of(), whenChanged, Outcome.TX_RESULT_RECORDED);
    }

    /**
     * The first verdict: received_proof, and one validation result to send unless one is on L1 already. A batch that
     * fell back still sends it (its status stays fallen_back): a request this manager made is always answered.
     */
    private static Transition verdict(final BatchState state, final ProofVerdict verdict, final Instant at) {
        if (state.proofVerdict().isPresent()) {
            return Transition.unchanged(state.proofVerdict().get().equals(verdict) ? Outcome.DUPLICATE_EVENT : Outcome.SECOND_VERDICT);
        }
        final boolean alreadyOnL1 = !state.live(L1Event.ProofValidationResult.class).isEmpty();
        final List<L1Command> commands = alreadyOnL1
                ? List.of()
                : List.of(new SubmitProofValidationResult(SubmitProofValidationResult.commandIdFor(state.batchId()),
                        verdict.chainId(), verdict.batchNumber(), verdict.valid(), at));
        if (state.fallenBack().isPresent()) {
            final BatchState next = state.withVerdict(verdict);
            final Outcome late = commands.isEmpty() ? Outcome.LATE_AFTER_FALLBACK : Outcome.LATE_PROOF_ANSWERED;
            return publishIfChanged(next, at, commands, late, late);
        }
        return project(state, state.withVerdict(verdict), at, commands, Outcome.PROOF_RECEIVED, Outcome.EVENT_RECORDED);
    }

    /**
     * Stores {@code next}: a batch that already fell back keeps its status and sends nothing more; one whose events now
     * call for a fallback falls back; otherwise the next version of its record is published when the projection changed.
     */
    private static Transition project(final BatchState before, final BatchState next, final Instant at, final List<L1Command> commands,
            final Outcome whenChanged, final Outcome whenSame) {
        if (before.fallenBack().isPresent()) {
            final Outcome late = whenChanged == Outcome.RETRACTED ? Outcome.RETRACTED : Outcome.LATE_AFTER_FALLBACK;
            return publishIfChanged(next, at, List.of(), late, late);
        }
        final Optional<FallbackCause> cause = FallbackRules.fromEvents(next);
        if (cause.isPresent()) {
            return fallBack(next, cause.get(), at);
        }
        return publishIfChanged(next, at, commands, whenChanged, whenSame);
    }

    private static Transition publishIfChanged(final BatchState next, final Instant at, final List<L1Command> commands,
            final Outcome whenChanged, final Outcome whenSame) {
        final BatchStatusRecord projected = StatusProjection.project(next);
        if (projected.equals(next.lastPublished())) {
            return Transition.issued(next, commands, whenSame);
        }
        return Transition.changed(next.withPublished(StatusProjection.nextVersion(projected, at)), commands, whenChanged);
    }

    /** {@code state} falls back at {@code at} for {@code cause}: fallen_back, and one fallback record. */
    private static Transition fallBack(final BatchState state, final FallbackCause cause, final Instant at) {
        final ReadinessEvent ready = state.readiness();
        final FallbackRecord record = new FallbackRecord(ready.chainId(), ready.batchNumber(), cause.reason(), cause.detail(),
                FallbackRules.assignee(state).orElse(null), ready.proofGenDataBlobUrl(), ready.protocolVersion(), at);
        final BatchState fallen = state.withFallback(record);
        final BatchState published = fallen.withPublished(StatusProjection.nextVersion(StatusProjection.project(fallen), at));
        return Transition.fellBack(published, cause.reason() == FallbackReason.REFUSED ? Outcome.REFUSED : Outcome.FELL_BACK);
    }

    /** The outcome of a contract event that changes the batch's record. */
    private static Outcome outcomeOf(final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted submitted -> Outcome.REQUEST_SENT;
            case L1Event.ProofRequestAcknowledged ack -> ack.accepted() ? Outcome.ACKNOWLEDGED : Outcome.REFUSED;
            case L1Event.ProofRequestProven proven -> Outcome.EVENT_RECORDED;
            case L1Event.ProofValidationResult result -> Outcome.VALIDATION_SENT;
        };
    }

    private static void requireSameBatch(final BatchId current, final BatchId event) {
        if (!current.equals(event)) {
            throw new IllegalArgumentException("event for batch " + event + " applied to the state of batch " + current);
        }
    }
}
