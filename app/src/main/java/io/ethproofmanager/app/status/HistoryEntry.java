package io.ethproofmanager.app.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.schemas.BatchStatus;
import java.time.Instant;
import java.util.Objects;

/** One version of a batch from {@code eth_proof_manager_history}: its status, when, and the record as written. */
public record HistoryEntry(long version, BatchStatus status, Instant changedAt, JsonNode record) {

    public HistoryEntry {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(record, "record");
    }
}
