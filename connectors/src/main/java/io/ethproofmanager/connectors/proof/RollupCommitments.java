package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.schemas.BatchId;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The rollup's commitments of batches N−1 and N, from which a batch's public input follows:
 * {@code keccak256(abi.encodePacked(prevBatchCommitment, batchCommitment)) >> 32}.
 */
public interface RollupCommitments {

    /** No commitments: validators take the proof's own public input, and say so. */
    RollupCommitments NONE = batch -> Optional.empty();

    /**
     * The expected public input of {@code batch}, or empty when the rollup does not (yet) have both commitments.
     *
     * @throws ProofValidatorUnavailableException when the rollup's database cannot be asked now
     */
    Optional<BigInteger> expectedPublicInput(BatchId batch);
}
