package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Command;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one step of the batch state machine: the batch's next state (present only when it changed), its next
 * status record (present only when what consumers see changed), the L1 commands to issue and the outcome.
 */
public record Transition(Optional<BatchState> state, Optional<BatchStatusRecord> next, List<L1Command> commands, Outcome outcome) {

    public Transition {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(next, "next");
        commands = List.copyOf(commands);
        Objects.requireNonNull(outcome, "outcome");
        if (next.isPresent() && state.isEmpty()) {
            throw new IllegalArgumentException("a published record must be stored with the state it was projected from");
        }
    }

    /** Nothing changes and nothing is sent. */
    public static Transition unchanged(final Outcome outcome) {
        return new Transition(Optional.empty(), Optional.empty(), List.of(), outcome);
    }

    /** The batch's state changes to {@code state}; its record stays as it was. */
    public static Transition stored(final BatchState state, final Outcome outcome) {
        return new Transition(Optional.of(state), Optional.empty(), List.of(), outcome);
    }

    /** The batch's state changes to {@code state}, its last published record goes out and {@code commands} are sent. */
    public static Transition changed(final BatchState state, final List<L1Command> commands, final Outcome outcome) {
        return new Transition(Optional.of(state), Optional.of(state.lastPublished()), commands, outcome);
    }
}
