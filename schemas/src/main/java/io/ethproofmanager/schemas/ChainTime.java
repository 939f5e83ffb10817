package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * A chain-time tick: the newest block the log ingester has processed, with its timestamp. Deadlines are measured on it,
 * never on wall-clock time. Written without a key to every partition of {@link Topics#L1_EVENTS} after the events of the
 * same ingester step (see {@link L1Record}), so the time it carries never runs ahead of the events before it.
 */
public record ChainTime(String contractAddress, long blockNumber, Instant blockTimestamp) implements L1Record {

    public ChainTime {
        Objects.requireNonNull(contractAddress, "contractAddress");
        Objects.requireNonNull(blockTimestamp, "blockTimestamp");
    }
}
