package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A proof manager contract event about one batch, published by the log ingester. Topic {@link Topics#L1_EVENTS}, keyed by
 * {@link BatchId}; schema {@code v1/l1-event.schema.json}. {@code removed} marks a retraction: the log was published
 * once and a reorg took it off the canonical chain, so its effect must be undone.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = L1Event.ProofRequestSubmitted.class, name = "ProofRequestSubmitted"),
    @JsonSubTypes.Type(value = L1Event.ProofRequestAcknowledged.class, name = "ProofRequestAcknowledged"),
    @JsonSubTypes.Type(value = L1Event.ProofRequestProven.class, name = "ProofRequestProven"),
    @JsonSubTypes.Type(value = L1Event.ProofValidationResult.class, name = "ProofValidationResult")
})
public sealed interface L1Event {

    long chainId();

    long batchNumber();

    LogPosition log();

    boolean removed();

    default BatchId batchId() {
        return new BatchId(chainId(), batchNumber());
    }

    /** {@code ProofRequestSubmitted}: the request is on chain and assigned (None when nobody could take it). */
    record ProofRequestSubmitted(
            long chainId,
            long batchNumber,
            ProvingNetwork assignedTo,
            String proofInputsUrl,
            ProtocolVersion protocolVersion,
            long timeoutAfterSeconds,
            long maxRewardMicroUsdc,
            long requestId,
            LogPosition log,
            boolean removed) implements L1Event {
    }

    /** {@code ProofRequestAcknowledged}: the assigned network accepted or refused the request. */
    record ProofRequestAcknowledged(
            long chainId, long batchNumber, boolean accepted, ProvingNetwork assignedTo, LogPosition log, boolean removed)
            implements L1Event {
    }

    /** {@code ProofRequestProven}: the assigned network submitted a proof (hex bytes) and asks for a reward. */
    record ProofRequestProven(
            long chainId,
            long batchNumber,
            String proofHex,
            ProvingNetwork assignedTo,
            long requestedRewardMicroUsdc,
            LogPosition log,
            boolean removed) implements L1Event {
    }

    /** {@code ProofValidationResult}: our validation result is on chain. */
    record ProofValidationResult(
            long chainId, long batchNumber, boolean proofValid, ProvingNetwork assignedTo, LogPosition log, boolean removed)
            implements L1Event {
    }
}
