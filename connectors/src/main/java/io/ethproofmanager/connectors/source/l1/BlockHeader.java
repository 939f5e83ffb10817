package io.ethproofmanager.connectors.source.l1;

import java.time.Instant;
import java.util.Objects;

/** The parts of an L1 block the ingester needs: its number, hash, parent hash and timestamp. */
record BlockHeader(long number, String hash, String parentHash, Instant timestamp) {

    BlockHeader {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(parentHash, "parentHash");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
