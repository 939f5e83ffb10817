package io.ethproofmanager.connectors.sink.l1;

import java.util.Objects;

/**
 * An instance's hold on a lane (a submitter account): the lane's epoch it took in {@code l1_sender_lanes}. An attempt is
 * persisted only while the lane's epoch is still this one (see {@link Attempts#insert}).
 */
record LaneLease(String fromAddress, long epoch, String owner) {

    LaneLease {
        fromAddress = Objects.requireNonNull(fromAddress, "fromAddress").toLowerCase();
        Objects.requireNonNull(owner, "owner");
        if (epoch < 1) {
            throw new IllegalArgumentException("a lane's epoch starts at 1, was " + epoch);
        }
    }

    @Override
    public String toString() {
        return "lane " + fromAddress + " epoch " + epoch + " (" + owner + ")";
    }
}
