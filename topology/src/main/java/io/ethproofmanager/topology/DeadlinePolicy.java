package io.ethproofmanager.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long, in chain time, a batch may wait at each step before it falls back to in-house proving: {@code notPickedUp}
 * from the chain time the batch was first seen ready to its proof request being sent (judged by the L1 sender, see
 * {@link io.ethproofmanager.schemas.SubmitProofRequest#notPickedUpBy()}), {@code acknowledge} from submission to
 * acknowledgement, {@code maxProving} caps a request's own {@code timeoutAfter}. They are checked at each chain-time tick.
 */
public record DeadlinePolicy(Duration notPickedUp, Duration acknowledge, Duration maxProving) {

    public DeadlinePolicy {
        requirePositive(notPickedUp, "notPickedUp");
        requirePositive(acknowledge, "acknowledge");
        requirePositive(maxProving, "maxProving");
    }

    /** 10 minutes to get on L1, the contract's 120 s to acknowledge, at most 2 hours to prove. */
    public static DeadlinePolicy defaults() {
        return new DeadlinePolicy(Duration.ofMinutes(10), Duration.ofSeconds(120), Duration.ofHours(2));
    }

    /** The proving time allowed for a request that asked for {@code timeoutAfter}: that, capped at {@code maxProving}. */
    public Duration proving(final Duration timeoutAfter) {
        return timeoutAfter.compareTo(maxProving) < 0 ? timeoutAfter : maxProving;
    }

    private static void requirePositive(final Duration duration, final String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }
}
