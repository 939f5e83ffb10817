package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A transaction the topology asks the L1 sender to make for a batch. Topic {@link Topics#L1_COMMANDS}, keyed by
 * {@link BatchId}; schema {@code v1/l1-command.schema.json}. {@code commandId} is stable for a batch and kind, so the
 * sender can tell a redelivered command from a new one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SubmitProofRequest.class, name = "submit_proof_request"),
    @JsonSubTypes.Type(value = SubmitProofValidationResult.class, name = "submit_proof_validation_result")
})
public sealed interface L1Command permits SubmitProofRequest, SubmitProofValidationResult {

    String commandId();

    long chainId();

    long batchNumber();

    default BatchId batchId() {
        return new BatchId(chainId(), batchNumber());
    }
}
