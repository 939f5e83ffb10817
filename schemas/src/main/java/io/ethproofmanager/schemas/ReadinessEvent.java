package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * A batch's proof generation data was published to public blob storage: the batch can be offered to proving networks.
 * Topic {@link Topics#READINESS}, schema {@code v1/readiness-event.schema.json}.
 */
public record ReadinessEvent(
        long chainId,
        long batchNumber,
        String proofGenDataBlobUrl,
        ProtocolVersion protocolVersion,
        Instant readyAt) {

    public ReadinessEvent {
        Objects.requireNonNull(proofGenDataBlobUrl, "proofGenDataBlobUrl");
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(readyAt, "readyAt");
    }

    public BatchId batchId() {
        return new BatchId(chainId, batchNumber);
    }
}
