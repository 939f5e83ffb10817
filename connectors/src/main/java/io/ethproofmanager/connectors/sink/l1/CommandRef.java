package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import java.util.Objects;

/** Which command an attempt or a result belongs to: its id, batch and kind (all a result needs to name it). */
record CommandRef(String commandId, long chainId, long batchNumber, Kind kind) {

    CommandRef {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(kind, "kind");
    }

    static CommandRef of(final L1Command command) {
        return new CommandRef(command.commandId(), command.chainId(), command.batchNumber(), ProofManagerCalls.kindOf(command));
    }

    static CommandRef of(final Attempt attempt) {
        return new CommandRef(attempt.commandId(), attempt.chainId(), attempt.batchNumber(), attempt.kind());
    }
}
