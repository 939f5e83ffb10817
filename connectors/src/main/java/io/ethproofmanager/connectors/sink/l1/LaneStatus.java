package io.ethproofmanager.connectors.sink.l1;

/**
 * One lane of the L1 sender as the status API shows it: its submitter account, the instance holding it and its epoch
 * (from PostgreSQL, whichever instance holds it; none before it was first taken), whether this instance holds it and the
 * nonce its next new transaction takes here, its transactions that may still mine, how long the oldest of them has
 * waited, and its commands held by the fee cap now.
 */
public record LaneStatus(int lane, String address, String owner, Long epoch, boolean heldHere, Long nextNonce,
        long inFlight, Long oldestPendingSeconds, long heldByFeeCap) {
}
