package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.ValidationStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure projection of a {@link BatchState} onto its status record: the readiness facts, then the transaction results,
 * then the live chain events in chain order, then the proof verdict, each folded into the facts; the status is the
 * furthest step the facts reach, and a batch that fell back stays {@code fallen_back} whatever arrives later.
 */
public final class StatusProjection {

    private StatusProjection() {
    }

    /**
     * The record {@code state} stands for, with the version, createdAt and updatedAt of its last published record, so
     * that it equals that record exactly when nothing a consumer sees has changed.
     */
    public static BatchStatusRecord project(final BatchState state) {
        Objects.requireNonNull(state, "state");
        Facts facts = Facts.ready();
        for (final L1TransactionResult result : state.txResults().values()) {
            facts = foldTxResult(facts, result, state.proofVerdict());
        }
        for (final L1Event event : state.liveEvents()) {
            facts = foldEvent(facts, event);
        }
        facts = state.proofVerdict().map(facts::proofReceived).orElse(facts);
        return facts.toRecord(state.readiness(), state.fallenBack(), state.lastPublished());
    }

    /** {@code projected} published as the next change: the next version, updated at {@code at}. */
    public static BatchStatusRecord nextVersion(final BatchStatusRecord projected, final Instant at) {
        return new BatchStatusRecord(projected.chainId(), projected.batchNumber(), projected.status(), projected.version() + 1,
                projected.proofGenDataBlobUrl(), projected.protocolVersion(), projected.proofBlobUrl(), projected.assignedTo(),
                projected.sentProofRequestTxHash(), projected.sentProofValidationResultTxHash(), projected.validationStatus(),
                projected.fallbackReason(), projected.createdAt(), at);
    }

    /** The {@code fallback_reason} of a batch that fell back: the reason's wire name, ": ", the detail. */
    public static String fallbackReason(final FallbackRecord fallback) {
        return fallback.reason().wireName() + ": " + fallback.detail();
    }

    /** Whether {@code state} holds a sign that the proof request is on L1: a live ProofRequestSubmitted or a mined request. */
    static boolean isRequestOnL1(final BatchState state) {
        return !state.live(L1Event.ProofRequestSubmitted.class).isEmpty()
                || state.txResults().values().stream().anyMatch(StatusProjection::isRequestOnChain);
    }

    /** Whether {@code result} says that the batch's proof request is on chain. */
    static boolean isRequestOnChain(final L1TransactionResult result) {
        return result.kind() == L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST && isOnChain(result);
    }

    /** Whether {@code result} says that the batch's validation result is on chain. */
    static boolean isValidationOnChain(final L1TransactionResult result) {
        return result.kind() == L1TransactionResult.Kind.SUBMIT_PROOF_VALIDATION_RESULT && isOnChain(result);
    }

    private static boolean isOnChain(final L1TransactionResult result) {
        return result.outcome() == L1TransactionResult.Outcome.MINED || result.outcome() == L1TransactionResult.Outcome.ALREADY_ON_CHAIN;
    }

    /** A request or validation result on chain, whether or not its log was seen yet; the validity is the verdict's. */
    private static Facts foldTxResult(final Facts facts, final L1TransactionResult result, final Optional<ProofVerdict> verdict) {
        if (isRequestOnChain(result)) {
            return facts.requestSent(result.transactionHash());
        }
        if (isValidationOnChain(result) && verdict.isPresent()) {
            return facts.validationSent(result.transactionHash(), verdict.get().valid());
        }
        return facts;
    }

    /** What one live contract event says about the batch; a proof on chain waits for its verdict. */
    private static Facts foldEvent(final Facts facts, final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted submitted -> facts.requestSent(Optional.of(submitted.log().transactionHash()));
            case L1Event.ProofRequestAcknowledged ack -> facts.answeredBy(ack.assignedTo(), ack.accepted());
            case L1Event.ProofRequestProven proven -> facts;
            case L1Event.ProofValidationResult result -> facts.validationSent(Optional.of(result.log().transactionHash()), result.proofValid());
        };
    }

    /** The facts gathered so far; a transaction hash already known (from a transaction result) is kept. */
    private record Facts(boolean requestOnL1, Optional<String> requestTxHash, Optional<ProvingNetwork> assignedTo, boolean accepted,
            Optional<String> proofBlobUrl, Optional<String> validationTxHash, Optional<ValidationStatus> validation) {

        static Facts ready() {
            return new Facts(false, Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty());
        }

        Facts requestSent(final Optional<String> txHash) {
            return new Facts(true, requestTxHash.or(() -> txHash), assignedTo, accepted, proofBlobUrl, validationTxHash, validation);
        }

        /** The network's acknowledgement: the latest in chain order counts. */
        Facts answeredBy(final ProvingNetwork network, final boolean accepts) {
            return new Facts(requestOnL1, requestTxHash, Optional.of(network), accepts, proofBlobUrl, validationTxHash, validation);
        }

        Facts proofReceived(final ProofVerdict verdict) {
            return new Facts(requestOnL1, requestTxHash, assignedTo, accepted, Optional.of(verdict.proofBlobUrl()), validationTxHash,
                    validation);
        }

        Facts validationSent(final Optional<String> txHash, final boolean valid) {
            return new Facts(requestOnL1, requestTxHash, assignedTo, accepted, proofBlobUrl, validationTxHash.or(() -> txHash),
                    Optional.of(valid ? ValidationStatus.SUCCESSFUL : ValidationStatus.FAILED));
        }

        /** The furthest step the facts reach; a fallback overrides them all. */
        BatchStatus status(final Optional<FallbackRecord> fallback) {
            if (fallback.isPresent()) {
                return BatchStatus.FALLEN_BACK;
            }
            if (validation.isPresent()) {
                return BatchStatus.VALIDATION_RESULT_SENT_TO_L1;
            }
            if (proofBlobUrl.isPresent()) {
                return BatchStatus.RECEIVED_PROOF;
            }
            if (accepted) {
                return BatchStatus.ACKNOWLEDGED;
            }
            return requestOnL1 ? BatchStatus.REQUEST_SENT_TO_L1 : BatchStatus.READY_TO_BE_PROVEN;
        }

        BatchStatusRecord toRecord(final ReadinessEvent readiness, final Optional<FallbackRecord> fallback, final BatchStatusRecord last) {
            return new BatchStatusRecord(readiness.chainId(), readiness.batchNumber(), status(fallback), last.version(),
                    readiness.proofGenDataBlobUrl(), readiness.protocolVersion(), proofBlobUrl.orElse(null), assignedTo.orElse(null),
                    requestTxHash.orElse(null), validationTxHash.orElse(null), validation.orElse(null),
                    fallback.map(StatusProjection::fallbackReason).orElse(null), last.createdAt(), last.updatedAt());
        }
    }
}
