package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/** Where an L1 log sits on chain: enough to order events, detect reorgs and find the transaction. */
public record LogPosition(long blockNumber, String blockHash, String transactionHash, long logIndex, Instant blockTimestamp) {

    public LogPosition {
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(transactionHash, "transactionHash");
        Objects.requireNonNull(blockTimestamp, "blockTimestamp");
    }
}
