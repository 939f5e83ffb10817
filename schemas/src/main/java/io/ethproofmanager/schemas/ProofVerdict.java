package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * The manager's verdict on a proof a network submitted: stored in this deployment's blob store and validated. Topic
 * {@link Topics#PROOF_VERDICTS}, keyed by {@link BatchId}; schema {@code v1/proof-verdict.schema.json}.
 */
public record ProofVerdict(
        long chainId,
        long batchNumber,
        ProvingNetwork provedBy,
        String proofBlobUrl,
        boolean valid,
        String reason,
        String proofTransactionHash,
        Instant at) {

    public ProofVerdict {
        Objects.requireNonNull(provedBy, "provedBy");
        Objects.requireNonNull(proofBlobUrl, "proofBlobUrl");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    public BatchId batchId() {
        return new BatchId(chainId, batchNumber);
    }
}
