package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * How the proof handler consumes proven events and publishes verdicts: where, as which group, the largest proof it
 * stores and validates, and how it backs off while the blob store, the validator or the broker fail.
 */
public record ProofHandlerSettings(
        String bootstrapServers,
        String groupId,
        String eventsTopic,
        String verdictsTopic,
        int maxProofBytes,
        Duration pollTimeout,
        Duration retryBackoffMin,
        Duration retryBackoffMax) {

    /** 1 MiB: an FFLONK proof is a few kilobytes, so anything near this is not a proof. */
    public static final int DEFAULT_MAX_PROOF_BYTES = 1 << 20;
    public static final String DEFAULT_GROUP_ID = "epm-proof-handler";
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_BACKOFF_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(10);
    /** Longest backoff allowed: well inside the consumer's {@code max.poll.interval.ms} of five minutes. */
    public static final Duration LONGEST_RETRY_BACKOFF = Duration.ofMinutes(1);

    public ProofHandlerSettings {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(groupId, "groupId");
        requireText(eventsTopic, "eventsTopic");
        requireText(verdictsTopic, "verdictsTopic");
        require(maxProofBytes >= 1, "maxProofBytes must be at least 1, was " + maxProofBytes);
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(retryBackoffMin, "retryBackoffMin");
        requirePositive(retryBackoffMax, "retryBackoffMax");
        require(retryBackoffMax.compareTo(retryBackoffMin) >= 0,
                "retryBackoffMax " + retryBackoffMax + " must not be shorter than retryBackoffMin " + retryBackoffMin);
        require(retryBackoffMax.compareTo(LONGEST_RETRY_BACKOFF) <= 0,
                "retryBackoffMax must be at most " + LONGEST_RETRY_BACKOFF + ", was " + retryBackoffMax);
    }

    /**
     * The defaults: group {@value #DEFAULT_GROUP_ID}, topics {@link Topics#L1_EVENTS} and {@link Topics#PROOF_VERDICTS},
     * proofs up to 1 MiB, polls of 500 ms, backoff from 200 ms to 10 s.
     */
    public static ProofHandlerSettings defaults(final String bootstrapServers) {
        return new ProofHandlerSettings(bootstrapServers, DEFAULT_GROUP_ID, Topics.L1_EVENTS.name(),
                Topics.PROOF_VERDICTS.name(), DEFAULT_MAX_PROOF_BYTES, DEFAULT_POLL_TIMEOUT, DEFAULT_RETRY_BACKOFF_MIN,
                DEFAULT_RETRY_BACKOFF_MAX);
    }

    public ProofHandlerSettings withGroupId(final String otherGroupId) {
        return new ProofHandlerSettings(bootstrapServers, otherGroupId, eventsTopic, verdictsTopic, maxProofBytes,
                pollTimeout, retryBackoffMin, retryBackoffMax);
    }

    public ProofHandlerSettings withTopics(final String events, final String verdicts) {
        return new ProofHandlerSettings(bootstrapServers, groupId, events, verdicts, maxProofBytes, pollTimeout,
                retryBackoffMin, retryBackoffMax);
    }

    public ProofHandlerSettings withMaxProofBytes(final int bytes) {
        return new ProofHandlerSettings(bootstrapServers, groupId, eventsTopic, verdictsTopic, bytes, pollTimeout,
                retryBackoffMin, retryBackoffMax);
    }

    public ProofHandlerSettings withRetryBackoff(final Duration min, final Duration max) {
        return new ProofHandlerSettings(bootstrapServers, groupId, eventsTopic, verdictsTopic, maxProofBytes, pollTimeout,
                min, max);
    }

    /** The backoff before retry number {@code failures} (1 = the first): doubling from the minimum, capped at the maximum. */
    public Duration retryBackoff(final int failures) {
        final int doublings = Math.min(Math.max(failures, 1) - 1, 20);
        final Duration backoff = retryBackoffMin.multipliedBy(1L << doublings);
        return backoff.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : backoff;
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requireText(final String value, final String name) {
        Objects.requireNonNull(value, name);
        require(!value.isBlank(), name + " must not be blank");
    }

    private static void requirePositive(final Duration value, final String name) {
        Objects.requireNonNull(value, name);
        require(!value.isNegative() && !value.isZero(), name + " must be positive, was " + value);
    }
}
