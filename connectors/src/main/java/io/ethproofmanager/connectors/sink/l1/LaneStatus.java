package io.ethproofmanager.connectors.sink.l1;

/**
 * One lane of the L1 sender as the status API shows it: its submitter account, the instance holding it and its epoch
 * (from PostgreSQL, whichever instance holds it; none before it was first taken), whether this instance holds it and the
 * nonce its next new transaction takes here, its transactions that may still mine, how many seconds ago the oldest of
 * them was first broadcast, its commands held by the fee cap now and, when its lowest command is held, that hold (the
 * maxFeePerGas last quoted, the cap, since when; null when none is).
 */
public record LaneStatus(int lane, String address, String owner, Long epoch, boolean heldHere, Long nextNonce,
        long inFlight, Long oldestPendingSeconds, long heldByFeeCap, FeeHold feeHold) {
}
