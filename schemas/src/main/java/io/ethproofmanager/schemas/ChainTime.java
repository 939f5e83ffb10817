package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * The settlement chain's clock: the newest block the log ingester has processed, with its timestamp. Deadlines are
 * measured on it, never on wall-clock time. Topic {@link Topics#CHAIN_TIME}, keyed by the proof manager contract's
 * address; schema {@code v1/chain-time.schema.json}.
 */
public record ChainTime(String contractAddress, long blockNumber, Instant blockTimestamp) {

    public ChainTime {
        Objects.requireNonNull(contractAddress, "contractAddress");
        Objects.requireNonNull(blockTimestamp, "blockTimestamp");
    }
}
