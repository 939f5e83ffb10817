package io.ethproofmanager.sandbox.network;

import io.ethproofmanager.schemas.BatchId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** What a simulated proving network does with its assigned requests: a weighted mix of actions, drawn per batch from a seed. */
public record NetworkBehaviour(Map<Action, Integer> weights, Duration provingDelay, int claimEvery, Duration claimInterval) {

    /** Default proving delay: the time between accepting a request and submitting its proof. */
    public static final Duration DEFAULT_PROVING_DELAY = Duration.ofSeconds(2);
    /** Default number of validated proofs after which the network claims its reward. */
    public static final int DEFAULT_CLAIM_EVERY = 5;
    /** Default longest time between two reward claims (a claim happens only when a reward is owed). */
    public static final Duration DEFAULT_CLAIM_INTERVAL = Duration.ofSeconds(60);

    /** One way of handling a request; the key is its name in the compact form. */
    public enum Action {
        ACCEPT_AND_PROVE_VALID("valid"),
        ACCEPT_AND_PROVE_INVALID("invalid"),
        ACCEPT_AND_PROVE_WRONG_VERSION("wrongVersion"),
        ACCEPT_AND_PROVE_LATE("late"),
        ACCEPT_AND_STAY_SILENT("silent"),
        REFUSE("refuse"),
        IGNORE("ignore");

        private final String key;

        Action(final String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Whether the network accepts the request (acknowledges it with accept = true). */
        public boolean accepts() {
            return this != REFUSE && this != IGNORE;
        }

        /** Whether the network submits a proof before the proving deadline. */
        public boolean submitsProof() {
            return this == ACCEPT_AND_PROVE_VALID || this == ACCEPT_AND_PROVE_INVALID || this == ACCEPT_AND_PROVE_WRONG_VERSION;
        }

        /** Whether the network submits a (valid) proof only once the chain's time is past the proving deadline. */
        public boolean submitsLateProof() {
            return this == ACCEPT_AND_PROVE_LATE;
        }
    }

    public NetworkBehaviour {
        final EnumMap<Action, Integer> copy = new EnumMap<>(Action.class);
        copy.putAll(Objects.requireNonNull(weights, "weights"));
        copy.forEach((action, weight) -> requireNotNegative(action.key(), weight));
        if (copy.values().stream().mapToLong(Integer::longValue).sum() <= 0) {
            throw new IllegalArgumentException("a network behaviour needs at least one action with a positive weight");
        }
        weights = Collections.unmodifiableMap(copy);
        requireNotNegative("delay", Objects.requireNonNull(provingDelay, "provingDelay").toSeconds());
        if (claimEvery < 1) {
            throw new IllegalArgumentException("claimEvery must be at least 1, was " + claimEvery);
        }
        if (Objects.requireNonNull(claimInterval, "claimInterval").isNegative() || claimInterval.isZero()) {
            throw new IllegalArgumentException("claimInterval must be positive, was " + claimInterval);
        }
    }

    /** A behaviour of one action only, with the default delay and claim settings. */
    public static NetworkBehaviour always(final Action action) {
        return new NetworkBehaviour(Map.of(action, 1), DEFAULT_PROVING_DELAY, DEFAULT_CLAIM_EVERY, DEFAULT_CLAIM_INTERVAL);
    }

    /**
     * Parses the compact form {@code "valid=6,invalid=1,refuse=1,silent=1,ignore=1,delay=2,claimEvery=5,claimInterval=60"}:
     * action weights by key, {@code delay} and {@code claimInterval} in seconds; keys are case-insensitive, missing
     * weights are 0 and missing settings take their defaults.
     */
    public static NetworkBehaviour parse(final String text) {
        final EnumMap<Action, Integer> weights = new EnumMap<>(Action.class);
        Duration delay = DEFAULT_PROVING_DELAY;
        int claimEvery = DEFAULT_CLAIM_EVERY;
        Duration claimInterval = DEFAULT_CLAIM_INTERVAL;
        for (final String entry : Objects.requireNonNull(text, "text").split(",")) {
            final String[] pair = entry.split("=", -1);
            if (pair.length != 2 || pair[0].isBlank()) {
                throw new IllegalArgumentException("'" + entry.trim() + "' in network behaviour '" + text
                    + "' is not key=number");
            }
            final String key = pair[0].trim().toLowerCase(Locale.ROOT);
            final int value = number(key, pair[1].trim());
            switch (key) {
                case "delay" -> delay = Duration.ofSeconds(value);
                case "claimevery" -> claimEvery = value;
                case "claiminterval" -> claimInterval = Duration.ofSeconds(value);
                default -> weights.put(action(key, text), value);
            }
        }
        return new NetworkBehaviour(weights, delay, claimEvery, claimInterval);
    }

    /** The action for {@code batch}: the same for the same (seed, batch), spread over the actions by their weights. */
    public Action decide(final long seed, final BatchId batch) {
        final long total = weights.values().stream().mapToLong(Integer::longValue).sum();
        long draw = Long.remainderUnsigned(mix(mix(seed ^ mix(batch.chainId())) ^ batch.batchNumber()), total);
        for (final Map.Entry<Action, Integer> entry : weights.entrySet()) {
            draw -= entry.getValue();
            if (draw < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("draw beyond the total weight " + total);
    }

    /** The compact form, which {@link #parse(String)} reads back to an equal behaviour. */
    @Override
    public String toString() {
        final List<String> parts = new ArrayList<>();
        weights.forEach((action, weight) -> parts.add(action.key() + "=" + weight));
        parts.add("delay=" + provingDelay.toSeconds());
        parts.add("claimEvery=" + claimEvery);
        parts.add("claimInterval=" + claimInterval.toSeconds());
        return String.join(",", parts);
    }

    private static Action action(final String key, final String text) {
        for (final Action action : Action.values()) {
            if (action.key().equalsIgnoreCase(key)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown key '" + key + "' in network behaviour '" + text + "'; known: "
                + List.of(Action.values()).stream().map(Action::key).toList() + ", delay, claimEvery, claimInterval");
    }

    private static int number(final String key, final String value) {
        try {
            return requireNotNegative(key, Integer.parseInt(value));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static int requireNotNegative(final String key, final long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be between 0 and " + Integer.MAX_VALUE + ", was " + value);
        }
        return (int) value;
    }

    /** The SplitMix64 finalizer: a fixed bijection that spreads nearby inputs over all 64 bits. */
    private static long mix(final long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
