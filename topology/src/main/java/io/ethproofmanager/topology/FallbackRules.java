package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pure rules that hand a batch to in-house proving: those its events decide (refused at submission, refused,
 * invalid proof, and not picked up: the L1 sender's {@code expired} result for its request) and the deadlines measured
 * in chain time (unacknowledged, timed out). Deadlines are
 * exclusive of their last second, as on the contract: at exactly submission + 120 s an acknowledgement is still in time.
 */
final class FallbackRules {

    private FallbackRules() {
    }

    /** The fallback that the events held in {@code state} call for, if any. */
    static Optional<FallbackCause> fromEvents(final BatchState state) {
        return refusedByNetwork(state)
                .or(() -> refusedAtSubmission(state))
                .or(() -> expiredUnsent(state))
                .or(() -> invalidProof(state));
    }

    /**
     * The fallback that chain time {@code now} calls for once the request is on L1: unacknowledged (no acknowledgement,
     * and no proof that would show one was made) or timed out (accepted, and no proof).
     */
    static Optional<FallbackCause> deadlinePassed(final BatchState state, final Instant now, final DeadlinePolicy policy) {
        final Optional<L1Event.ProofRequestSubmitted> submitted = state.live(L1Event.ProofRequestSubmitted.class).stream().findFirst();
        if (submitted.isEmpty()) {
            return Optional.empty();
        }
        final Instant submittedAt = submitted.get().log().blockTimestamp();
        if (state.live(L1Event.ProofRequestAcknowledged.class).isEmpty() && !isProven(state)) {
            return passed(now, submittedAt, policy.acknowledge()).map(due -> new FallbackCause(FallbackReason.UNACKNOWLEDGED,
                    network(submitted.get().assignedTo()) + " did not acknowledge within " + policy.acknowledge().toSeconds()
                            + " s of submission at " + submittedAt + " (chain time " + now + ")"));
        }
        if (isAccepted(state) && !isProven(state)) {
            final Duration proving = policy.proving(Duration.ofSeconds(submitted.get().timeoutAfterSeconds()));
            return passed(now, submittedAt, proving).map(due -> new FallbackCause(FallbackReason.TIMED_OUT,
                    network(submitted.get().assignedTo()) + " did not prove within " + proving.toSeconds()
                            + " s of submission at " + submittedAt + " (chain time " + now + ")"));
        }
        return Optional.empty();
    }

    /**
     * The chain time from which {@link #deadlinePassed} may call for a fallback once the request is on L1 (the deadline
     * itself; the fallback comes strictly after it), or empty when no deadline is running: not submitted yet as far as
     * the events show, refused, or proven.
     */
    static Optional<Instant> pendingDeadline(final BatchState state, final DeadlinePolicy policy) {
        final Optional<L1Event.ProofRequestSubmitted> submitted = state.live(L1Event.ProofRequestSubmitted.class).stream().findFirst();
        if (submitted.isEmpty() || isProven(state)) {
            return Optional.empty();
        }
        final Instant submittedAt = submitted.get().log().blockTimestamp();
        if (state.live(L1Event.ProofRequestAcknowledged.class).isEmpty()) {
            return Optional.of(submittedAt.plus(policy.acknowledge()));
        }
        return isAccepted(state)
                ? Optional.of(submittedAt.plus(policy.proving(Duration.ofSeconds(submitted.get().timeoutAfterSeconds()))))
                : Optional.empty();
    }

    /**
     * Not picked up: the L1 sender recorded the batch's proof request as expired, never sent, because chain time passed
     * its deadline first. Only the sender decides this (it knows whether the request was or may have been sent), and
     * never for a request on L1.
     */
    private static Optional<FallbackCause> expiredUnsent(final BatchState state) {
        if (StatusProjection.isRequestOnL1(state)) {
            return Optional.empty();
        }
        return state.txResults().values().stream()
                .filter(result -> result.kind() == L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST)
                .filter(result -> result.outcome() == L1TransactionResult.Outcome.EXPIRED)
                .findFirst()
                .map(result -> new FallbackCause(FallbackReason.NOT_PICKED_UP, "the proof request was never sent: "
                        + Optional.ofNullable(result.detail()).orElse("its deadline passed before the L1 sender could send it")));
    }

    /** The network the request is known to be assigned to: the latest acknowledgement's, the submission's, the prover's. */
    static Optional<ProvingNetwork> assignee(final BatchState state) {
        final List<L1Event.ProofRequestAcknowledged> acks = state.live(L1Event.ProofRequestAcknowledged.class);
        return acks.stream().reduce((first, second) -> second).map(L1Event.ProofRequestAcknowledged::assignedTo)
                .or(() -> state.live(L1Event.ProofRequestSubmitted.class).stream().findFirst()
                        .map(L1Event.ProofRequestSubmitted::assignedTo))
                .or(() -> state.proofVerdict().map(ProofVerdict::provedBy));
    }

    private static Optional<FallbackCause> refusedByNetwork(final BatchState state) {
        return state.live(L1Event.ProofRequestAcknowledged.class).stream()
                .filter(ack -> !ack.accepted())
                .findFirst()
                .map(ack -> new FallbackCause(FallbackReason.REFUSED, network(ack.assignedTo()) + " refused the request"));
    }

    private static Optional<FallbackCause> refusedAtSubmission(final BatchState state) {
        final boolean assignedToNone = state.live(L1Event.ProofRequestSubmitted.class).stream()
                .anyMatch(submitted -> submitted.assignedTo() == ProvingNetwork.NONE);
        if (assignedToNone) {
            return Optional.of(new FallbackCause(FallbackReason.REFUSED_AT_SUBMISSION,
                    "the contract assigned the request to no proving network"));
        }
        final boolean storedRefused = state.txResults().values().stream()
                .filter(result -> result.kind() == L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST)
                .anyMatch(result -> result.onChainStatus().equals(Optional.of(L1TransactionResult.OnChainRequestStatus.REFUSED)));
        return storedRefused
                ? Optional.of(new FallbackCause(FallbackReason.REFUSED_AT_SUBMISSION,
                        "the contract stored the request as refused at submission: its assignee is none or inactive"))
                : Optional.empty();
    }

    private static Optional<FallbackCause> invalidProof(final BatchState state) {
        final Optional<L1Event.ProofValidationResult> onChain = state.live(L1Event.ProofValidationResult.class).stream().findFirst();
        if (onChain.isPresent()) {
            return onChain.get().proofValid() ? Optional.empty() : Optional.of(invalid(state, onChain.get().assignedTo()));
        }
        final boolean invalidSent = state.proofVerdict().filter(verdict -> !verdict.valid()).isPresent()
                && state.txResults().values().stream().anyMatch(StatusProjection::isValidationOnChain);
        return invalidSent ? Optional.of(invalid(state, state.proofVerdict().get().provedBy())) : Optional.empty();
    }

    private static FallbackCause invalid(final BatchState state, final ProvingNetwork network) {
        final String why = state.proofVerdict().filter(verdict -> !verdict.valid()).map(ProofVerdict::reason)
                .orElse("the validation result on L1 says so");
        return new FallbackCause(FallbackReason.INVALID_PROOF, "the proof of " + network(network) + " is invalid: " + why);
    }

    private static boolean isAccepted(final BatchState state) {
        return state.live(L1Event.ProofRequestAcknowledged.class).stream().anyMatch(L1Event.ProofRequestAcknowledged::accepted);
    }

    private static boolean isProven(final BatchState state) {
        return !state.live(L1Event.ProofRequestProven.class).isEmpty() || state.proofVerdict().isPresent();
    }

    /** Present when {@code now} is strictly after {@code start + allowed}: the boundary second itself is still in time. */
    private static Optional<Instant> passed(final Instant now, final Instant start, final Duration allowed) {
        final Instant deadline = start.plus(allowed);
        return now.isAfter(deadline) ? Optional.of(deadline) : Optional.empty();
    }

    private static String network(final ProvingNetwork network) {
        return network.wireName();
    }
}
