package io.ethproofmanager.connectors.sink.postgres;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Optional;

/**
 * How the Postgres sink consumes the batch-status topic: where, as which group, how many records per transaction, and
 * how it backs off while PostgreSQL refuses writes. Its block is {@code epm.postgres-sink} of reference.conf
 * ({@link #from}).
 */
public record BatchStatusSinkSettings(
        String bootstrapServers,
        String groupId,
        String topic,
        int maxBatchSize,
        Duration pollTimeout,
        Duration retryBackoffMin,
        Duration retryBackoffMax,
        Optional<String> groupInstanceId) {

    /** Reads {@code epm.postgres-sink} of {@code config} (resolved): the sink consumes {@link Topics#BATCH_STATUS} as {@code groupId}. */
    public static BatchStatusSinkSettings from(final Config config, final String bootstrapServers, final String groupId) {
        final SettingsReader settings = SettingsReader.of(config);
        final Duration retryBackoffMin = settings.durationBetween("epm.postgres-sink.retry-backoff-min", Duration.ZERO,
                ConsumerService.LONGEST_BACKOFF);
        return new BatchStatusSinkSettings(bootstrapServers, groupId, Topics.BATCH_STATUS.name(),
                settings.positiveInt("epm.postgres-sink.max-batch-size"),
                settings.positiveDuration("epm.postgres-sink.poll-timeout"),
                retryBackoffMin,
                settings.durationBetween("epm.postgres-sink.retry-backoff-max", retryBackoffMin, ConsumerService.LONGEST_BACKOFF),
                Optional.empty());
    }

    /** These settings on another topic. */
    public BatchStatusSinkSettings withTopic(final String otherTopic) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, otherTopic, maxBatchSize, pollTimeout,
                retryBackoffMin, retryBackoffMax, groupInstanceId);
    }

    /** These settings with the sink a static member {@code instanceId} of its group (Kafka's group.instance.id). */
    public BatchStatusSinkSettings withGroupInstanceId(final Optional<String> instanceId) {
        return new BatchStatusSinkSettings(bootstrapServers, groupId, topic, maxBatchSize, pollTimeout,
                retryBackoffMin, retryBackoffMax, instanceId);
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
}
