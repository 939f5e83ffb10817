package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import java.util.Objects;
import java.util.Optional;

/** One row of {@code l1_transaction_attempts}: an attempt to make a command's transaction, and where it stands. */
record Attempt(
        String commandId,
        int number,
        Kind kind,
        long chainId,
        long batchNumber,
        String fromAddress,
        Fees fees,
        Optional<SignedTransaction> transaction,
        AttemptState state,
        Optional<String> revertReason,
        Optional<Long> blockNumber) {

    Attempt {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fromAddress, "fromAddress");
        Objects.requireNonNull(fees, "fees");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(revertReason, "revertReason");
        Objects.requireNonNull(blockNumber, "blockNumber");
        fromAddress = fromAddress.toLowerCase();
        if (number < 1) {
            throw new IllegalArgumentException("attempts count from 1, was " + number);
        }
    }

    /** The transaction of an attempt that has one; fails for a held or estimation-refused attempt. */
    SignedTransaction tx() {
        return transaction.orElseThrow(() -> new IllegalStateException(
                "attempt " + number + " of " + commandId + " (" + state.column() + ") has no transaction"));
    }

    Optional<String> txHash() {
        return transaction.map(SignedTransaction::hash);
    }

    Attempt withState(final AttemptState newState) {
        return new Attempt(commandId, number, kind, chainId, batchNumber, fromAddress, fees, transaction, newState,
                revertReason, blockNumber);
    }
}
