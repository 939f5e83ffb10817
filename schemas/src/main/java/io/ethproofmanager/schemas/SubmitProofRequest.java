package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/** Ask the contract to hand a batch to a proving network: {@code submitProofRequest(id, params)}. */
public record SubmitProofRequest(
        String commandId,
        long chainId,
        long batchNumber,
        String proofInputsUrl,
        ProtocolVersion protocolVersion,
        long timeoutAfterSeconds,
        long maxRewardMicroUsdc,
        Instant issuedAt) implements L1Command {

    public SubmitProofRequest {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(proofInputsUrl, "proofInputsUrl");
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** The command id of a batch's proof request: one per batch, whatever the redeliveries. */
    public static String commandIdFor(final BatchId batch) {
        return "submit_proof_request:" + batch;
    }
}
