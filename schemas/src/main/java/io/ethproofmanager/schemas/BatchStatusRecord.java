package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A batch's current row of {@code eth_proof_manager}, published on every change to the compacted topic
 * {@link Topics#BATCH_STATUS}; schema {@code v1/batch-status.schema.json}.
 *
 * <p>{@code version} counts the batch's changes from 1: a consumer keeps the record with the highest version, which is
 * how the Postgres sink never moves a batch backwards on redelivery. Nullable fields are unset until the batch gets there.
 */
public record BatchStatusRecord(
        long chainId,
        long batchNumber,
        BatchStatus status,
        long version,
        String proofGenDataBlobUrl,
        ProtocolVersion protocolVersion,
        String proofBlobUrl,
        ProvingNetwork assignedTo,
        String sentProofRequestTxHash,
        String sentProofValidationResultTxHash,
        ValidationStatus validationStatus,
        String fallbackReason,
        Instant createdAt,
        Instant updatedAt) {

    public BatchStatusRecord {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1, was " + version);
        }
    }

    public BatchId batchId() {
        return new BatchId(chainId, batchNumber);
    }

    public Optional<ProvingNetwork> assignedNetwork() {
        return Optional.ofNullable(assignedTo);
    }

    public Optional<ValidationStatus> validation() {
        return Optional.ofNullable(validationStatus);
    }
}
