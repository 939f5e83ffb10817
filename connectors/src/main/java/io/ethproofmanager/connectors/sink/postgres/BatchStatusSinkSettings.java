package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Postgres sink consumes the batch-status topic: where, as which group, how many records per transaction, and
 * how it backs off while PostgreSQL refuses writes.
 */
public record BatchStatusSinkSettings(
        String bootstrapServers,
        String groupId,
        String topic,
        int maxBatchSize,
        Duration pollTimeout,
        Duration retryBackoffMin,
        Duration retryBackoffMax) {

    public static final int DEFAULT_MAX_BATCH_SIZE = 500;
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_BACKOFF_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(10);
    /** Longest backoff allowed: well inside the consumer's {@code max.poll.interval.ms} of five minutes. */
    public static final Duration LONGEST_RETRY_BACKOFF = Duration.ofMinutes(1);

    public BatchStatusSinkSettings {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(groupId, "groupId");
        requireText(topic, "topic");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
        }
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(retryBackoffMin, "retryBackoffMin");
        requirePositive(retryBackoffMax, "retryBackoffMax");
        if (retryBackoffMax.compareTo(retryBackoffMin) < 0) {
            throw new IllegalArgumentException(
                    "retryBackoffMax " + retryBackoffMax + " must not be shorter than retryBackoffMin " + retryBackoffMin);
        }
        if (retryBackoffMax.compareTo(LONGEST_RETRY_BACKOFF) > 0) {
            throw new IllegalArgumentException(
                    "retryBackoffMax must be at most " + LONGEST_RETRY_BACKOFF + ", was " + retryBackoffMax);
        }
    }

    /** The defaults: topic {@link Topics#BATCH_STATUS}, batches of 500, polls of 500 ms, backoff from 200 ms to 10 s. */
    public static BatchStatusSinkSettings of(final String bootstrapServers, final String groupId) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, Topics.BATCH_STATUS.name(), DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_POLL_TIMEOUT, DEFAULT_RETRY_BACKOFF_MIN, DEFAULT_RETRY_BACKOFF_MAX);
    }

    public BatchStatusSinkSettings withTopic(final String otherTopic) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, otherTopic, maxBatchSize, pollTimeout,
                retryBackoffMin, retryBackoffMax);
    }

    public BatchStatusSinkSettings withMaxBatchSize(final int otherMaxBatchSize) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, topic, otherMaxBatchSize, pollTimeout,
                retryBackoffMin, retryBackoffMax);
    }

    public BatchStatusSinkSettings withRetryBackoff(final Duration min, final Duration max) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, topic, maxBatchSize, pollTimeout, min, max);
    }

    /** The backoff before retry number {@code attempt} (from 1): doubling from the minimum, capped at the maximum. */
    public Duration retryBackoff(final int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, was " + attempt);
        }
        final int doublings = Math.min(attempt - 1, 30);
        final long millis = retryBackoffMin.toMillis() << doublings;
        return millis >= retryBackoffMax.toMillis() || millis < 0 ? retryBackoffMax : Duration.ofMillis(millis);
    }

    private static void requireText(final String value, final String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePositive(final Duration value, final String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
