package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Command;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one step of the batch state machine: the batch's next state (present only when it changed), its next
 * status record (present only when what consumers see changed), the L1 commands to issue, the fallback record to publish
 * (present only at the step where the batch falls back) and the outcome.
 */
public record Transition(
        Optional<BatchState> state, Optional<BatchStatusRecord> next, List<L1Command> commands, Optional<FallbackRecord> fallback,
        Outcome outcome) {

    public Transition {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(next, "next");
        commands = List.copyOf(commands);
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(outcome, "outcome");
        if (next.isPresent() && state.isEmpty()) {
            throw new IllegalArgumentException("a published record must be stored with the state it was projected from");
        }
        if (fallback.isPresent() && !fallback.equals(state.flatMap(BatchState::fallenBack))) {
            throw new IllegalArgumentException("a fallback record must be stored with the state that fell back");
        }
    }

    /** Nothing changes and nothing is sent. */
    public static Transition unchanged(final Outcome outcome) {
        return new Transition(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), outcome);
    }

    /** The batch's state changes to {@code state}; its record stays as it was. */
    public static Transition stored(final BatchState state, final Outcome outcome) {
        return new Transition(Optional.of(state), Optional.empty(), List.of(), Optional.empty(), outcome);
    }

    /** The batch's state changes to {@code state} and {@code commands} are sent; its record stays as it was. */
    public static Transition issued(final BatchState state, final List<L1Command> commands, final Outcome outcome) {
        return new Transition(Optional.of(state), Optional.empty(), commands, Optional.empty(), outcome);
    }

    /** The batch's state changes to {@code state}, its last published record goes out and {@code commands} are sent. */
    public static Transition changed(final BatchState state, final List<L1Command> commands, final Outcome outcome) {
        return new Transition(Optional.of(state), Optional.of(state.lastPublished()), commands, Optional.empty(), outcome);
    }

    /** The batch fell back: {@code state} holds the fallback, and its last published record and the fallback record go out. */
    public static Transition fellBack(final BatchState state, final Outcome outcome) {
        final FallbackRecord fallback = state.fallenBack()
                .orElseThrow(() -> new IllegalArgumentException("state of batch " + state.batchId() + " has not fallen back"));
        return new Transition(Optional.of(state), Optional.of(state.lastPublished()), List.of(), Optional.of(fallback), outcome);
    }
}
