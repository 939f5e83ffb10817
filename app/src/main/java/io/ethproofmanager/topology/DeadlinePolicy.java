package io.ethproofmanager.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long, in chain time, a batch may wait at each step before it falls back to in-house proving, and how often (in
 * wall-clock time) the topology checks: {@code notPickedUp} from readiness to a proof request on L1, {@code acknowledge}
 * from submission to acknowledgement, {@code maxProving} caps a request's own {@code timeoutAfter}.
 */
public record DeadlinePolicy(Duration notPickedUp, Duration acknowledge, Duration maxProving, Duration checkInterval) {

    public DeadlinePolicy {
        requirePositive(notPickedUp, "notPickedUp");
        requirePositive(acknowledge, "acknowledge");
        requirePositive(maxProving, "maxProving");
        requirePositive(checkInterval, "checkInterval");
    }

    /** 10 minutes to get on L1, the contract's 120 s to acknowledge, at most 2 hours to prove, checked every second. */
    public static DeadlinePolicy defaults() {
        return new DeadlinePolicy(Duration.ofMinutes(10), Duration.ofSeconds(120), Duration.ofHours(2), Duration.ofSeconds(1));
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
