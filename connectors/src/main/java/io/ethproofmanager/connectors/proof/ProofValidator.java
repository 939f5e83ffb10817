package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.schemas.BatchId;

/** Decides whether a proof a network submitted for a batch is valid: the verifier contract on L1, or another verifier. */
public interface ProofValidator {

    /**
     * Validates {@code proof} (the bytes the network submitted: the CBOR of the rollup's {@code L1BatchProofForL1}, see
     * {@link L1BatchProofCodec}) for {@code batch}.
     *
     * @return the decision, with its reason
     * @throws ProofValidatorUnavailableException when it cannot decide now (node unreachable, call failed): the caller
     *         retries, and never reports such a proof as invalid
     */
    Validation validate(BatchId batch, byte[] proof);
}
