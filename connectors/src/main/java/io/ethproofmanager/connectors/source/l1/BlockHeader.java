package io.ethproofmanager.connectors.source.l1;

import java.time.Instant;
import java.util.Objects;

/** The parts of an L1 block the ingester needs: its number, hash, parent hash and timestamp. */
record BlockHeader(long number, String hash, String parentHash, Instant timestamp) {

    /** The parent hash of a block known from its logs only (its hash and timestamp), which nothing checks. */
    static final String UNKNOWN_PARENT = "";

    BlockHeader {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(parentHash, "parentHash");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
