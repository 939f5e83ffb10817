package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure projection of a {@link BatchState} onto its status record: the readiness facts, then the transaction results,
 * then the live chain events in chain order, each folded in by one case of {@code foldEvent}, the place to extend for the proof pipeline.
 */
public final class StatusProjection {

    /** The fallback reason of a refused request, followed by the network's wire name; downstream may match on it. */
    public static final String REFUSED_BY = "refused by ";

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
            facts = foldTxResult(facts, result);
        }
        for (final L1Event event : state.liveEvents()) {
            facts = foldEvent(facts, event);
        }
        return facts.toRecord(state.readiness(), state.lastPublished());
    }

    /** {@code projected} published as the next change: the next version, updated at {@code at}. */
    public static BatchStatusRecord nextVersion(final BatchStatusRecord projected, final Instant at) {
        return new BatchStatusRecord(projected.chainId(), projected.batchNumber(), projected.status(), projected.version() + 1,
                projected.proofGenDataBlobUrl(), projected.protocolVersion(), projected.proofBlobUrl(), projected.assignedTo(),
                projected.sentProofRequestTxHash(), projected.sentProofValidationResultTxHash(), projected.validationStatus(),
                projected.fallbackReason(), projected.createdAt(), at);
    }

    /** A mined (or already on chain) proof request means the request is on L1, whether or not its log was seen yet. */
    private static Facts foldTxResult(final Facts facts, final L1TransactionResult result) {
        return isRequestOnChain(result) ? facts.requestSent(result.transactionHash()) : facts;
    }

    /** Whether {@code result} says that the batch's proof request is on chain. */
    static boolean isRequestOnChain(final L1TransactionResult result) {
        return result.kind() == L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST
                && (result.outcome() == L1TransactionResult.Outcome.MINED
                        || result.outcome() == L1TransactionResult.Outcome.ALREADY_ON_CHAIN);
    }

    /** What one live contract event says about the batch; the proof pipeline's events change nothing yet. */
    private static Facts foldEvent(final Facts facts, final L1Event event) {
        return switch (event) {
            case L1Event.ProofRequestSubmitted submitted -> facts.requestSent(Optional.of(submitted.log().transactionHash()));
            case L1Event.ProofRequestAcknowledged ack -> ack.accepted()
                    ? facts.acknowledgedBy(ack.assignedTo())
                    : facts.refusedBy(ack.assignedTo());
            case L1Event.ProofRequestProven proven -> facts;
            case L1Event.ProofValidationResult result -> facts;
        };
    }

    /** The facts gathered so far; a transaction hash already known (from a transaction result) is kept. */
    private record Facts(BatchStatus status, Optional<ProvingNetwork> assignedTo, Optional<String> requestTxHash,
            Optional<String> fallbackReason) {

        static Facts ready() {
            return new Facts(BatchStatus.READY_TO_BE_PROVEN, Optional.empty(), Optional.empty(), Optional.empty());
        }

        Facts requestSent(final Optional<String> txHash) {
            return new Facts(BatchStatus.REQUEST_SENT_TO_L1, assignedTo, requestTxHash.or(() -> txHash), fallbackReason);
        }

        Facts acknowledgedBy(final ProvingNetwork network) {
            return new Facts(BatchStatus.ACKNOWLEDGED, Optional.of(network), requestTxHash, Optional.empty());
        }

        Facts refusedBy(final ProvingNetwork network) {
            return new Facts(BatchStatus.FALLEN_BACK, Optional.of(network), requestTxHash,
                    Optional.of(REFUSED_BY + network.wireName()));
        }

        BatchStatusRecord toRecord(final ReadinessEvent readiness, final BatchStatusRecord last) {
            return new BatchStatusRecord(readiness.chainId(), readiness.batchNumber(), status, last.version(),
                    readiness.proofGenDataBlobUrl(), readiness.protocolVersion(), null, assignedTo.orElse(null),
                    requestTxHash.orElse(null), null, null, fallbackReason.orElse(null), last.createdAt(), last.updatedAt());
        }
    }
}
