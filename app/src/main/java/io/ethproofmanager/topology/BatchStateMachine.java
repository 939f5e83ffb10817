package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The batch status machine: one pure function from (current status, event, time, policy) to a {@link Transition}. */
public final class BatchStateMachine {

    private BatchStateMachine() {
    }

    /**
     * Decides what {@code event} does to a batch whose current record is {@code current} (empty: the batch is unknown).
     * {@code at} is the event's time (the input record's timestamp), never the wall clock.
     */
    public static Transition apply(
            final Optional<BatchStatusRecord> current, final BatchEvent event, final Instant at, final ProofRequestPolicy policy) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(policy, "policy");
        current.ifPresent(record -> requireSameBatch(record.batchId(), event.batchId()));
        return switch (event) {
            case BatchEvent.Ready ready -> current
                    .map(known -> Transition.unchanged(Outcome.DUPLICATE_READINESS))
                    .orElseGet(() -> batchReady(ready.event(), at, policy));
            case BatchEvent.OnChain onChain -> current
                    .map(known -> onChain(known, onChain.event()))
                    .orElseGet(() -> Transition.unchanged(Outcome.UNKNOWN_BATCH));
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
        return Transition.changed(record, List.of(request), Outcome.BATCH_READY);
    }

    /** A contract event about a known batch; each kind gets its own transition here. */
    private static Transition onChain(final BatchStatusRecord current, final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted submitted -> Transition.unchanged(Outcome.IGNORED_EVENT);
            case L1Event.ProofRequestAcknowledged acknowledged -> Transition.unchanged(Outcome.IGNORED_EVENT);
            case L1Event.ProofRequestProven proven -> Transition.unchanged(Outcome.IGNORED_EVENT);
            case L1Event.ProofValidationResult result -> Transition.unchanged(Outcome.IGNORED_EVENT);
        };
    }

    private static void requireSameBatch(final BatchId current, final BatchId event) {
        if (!current.equals(event)) {
            throw new IllegalArgumentException("event for batch " + event + " applied to the state of batch " + current);
        }
    }
}
