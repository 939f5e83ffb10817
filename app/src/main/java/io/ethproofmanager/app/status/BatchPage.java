package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of current batch rows, newest batch first, with how many rows match the filter in all. */
public record BatchPage(Optional<BatchStatus> status, int limit, int offset, long total, List<BatchStatusRecord> batches) {

    public BatchPage {
        Objects.requireNonNull(status, "status");
        batches = List.copyOf(batches);
    }
}
