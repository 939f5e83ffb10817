package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/** Report to the contract whether a batch's received proof is valid: {@code submitProofValidationResult(id, isValid)}. */
public record SubmitProofValidationResult(
        String commandId,
        long chainId,
        long batchNumber,
        boolean proofValid,
        Instant issuedAt) implements L1Command {

    public SubmitProofValidationResult {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    public static String commandIdFor(final BatchId batch) {
        return "submit_proof_validation_result:" + batch;
    }
}
