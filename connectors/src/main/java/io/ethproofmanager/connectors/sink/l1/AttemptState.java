package io.ethproofmanager.connectors.sink.l1;

import java.util.Arrays;
import java.util.Set;

/** Where an attempt of the L1 sender stands; the {@code state} column of {@code l1_transaction_attempts}. */
enum AttemptState {
    /** Signed and persisted; maybe broadcast (a kill may have come between the two). */
    PREPARED("prepared"),
    /** Accepted by the node; not mined yet as far as the sender knows. */
    BROADCAST("broadcast"),
    /** Mined with status 1. */
    MINED("mined"),
    /** Mined with status 0, or refused by the contract at estimation (then without a transaction). */
    REVERTED("reverted"),
    /** Superseded: another transaction took its nonce. */
    REPLACED("replaced"),
    /** Not signed: the fee was above the cap. */
    HELD_FEE_CAP("held_fee_cap"),
    /** Gave up waiting for a receipt; resolved by reconciliation. */
    UNKNOWN("unknown"),
    /**
     * A proof request not signed because chain time passed its not-picked-up deadline first (no transaction; the reason
     * is in {@code revert_reason}). Final: the command is never sent afterwards, and the batch falls back.
     */
    EXPIRED("expired");

    /** The states of a transaction that may still mine. */
    static final Set<AttemptState> UNRESOLVED = Set.of(PREPARED, BROADCAST, UNKNOWN);

    private final String column;

    AttemptState(final String column) {
        this.column = column;
    }

    String column() {
        return column;
    }

    boolean isUnresolved() {
        return UNRESOLVED.contains(this);
    }

    static AttemptState ofColumn(final String value) {
        return Arrays.stream(values()).filter(state -> state.column.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attempt state '" + value + "'"));
    }
}
