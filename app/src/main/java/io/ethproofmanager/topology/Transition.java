package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Command;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one step of the batch state machine: the batch's next record (present only when it changed), the L1
 * commands to issue and the outcome.
 */
public record Transition(Optional<BatchStatusRecord> next, List<L1Command> commands, Outcome outcome) {

    public Transition {
        Objects.requireNonNull(next, "next");
        commands = List.copyOf(commands);
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Nothing changes and nothing is sent. */
    public static Transition unchanged(final Outcome outcome) {
        return new Transition(Optional.empty(), List.of(), outcome);
    }

    /** The batch moves to {@code next} and {@code commands} are sent. */
    public static Transition changed(final BatchStatusRecord next, final List<L1Command> commands, final Outcome outcome) {
        return new Transition(Optional.of(next), commands, outcome);
    }
}
