package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * A batch handed to the rollup's own provers, for the rollup's prover subsystem to pick up. Topic
 * {@link Topics#FALLBACK}, keyed by {@link BatchId}; schema {@code v1/fallback.schema.json}. One per batch.
 */
public record FallbackRecord(
        long chainId,
        long batchNumber,
        FallbackReason reason,
        String detail,
        ProvingNetwork assignedTo,
        String proofGenDataBlobUrl,
        ProtocolVersion protocolVersion,
        Instant at) {

    public FallbackRecord {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }

    public BatchId batchId() {
        return new BatchId(chainId, batchNumber);
    }
}
