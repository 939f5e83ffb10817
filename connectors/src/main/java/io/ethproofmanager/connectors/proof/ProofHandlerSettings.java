package io.ethproofmanager.connectors.proof;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.connectors.source.l1.L1IngesterSettings;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Optional;

/**
 * How the proof handler consumes proven events and publishes verdicts: where, as which group, the largest proof it
 * stores and validates, and how it backs off while the blob store, the validator or the broker fail. Its block is
 * {@code epm.proof-handler} of reference.conf, with {@code epm.proofs.max-bytes} ({@link #from}).
 */
public record ProofHandlerSettings(
        String bootstrapServers,
        String groupId,
        String eventsTopic,
        String verdictsTopic,
        int maxProofBytes,
        Duration pollTimeout,
        Duration retryBackoffMin,
        Duration retryBackoffMax,
        Optional<String> groupInstanceId) {

    /**
     * Reads {@code epm.proof-handler} and {@code epm.proofs.max-bytes} of {@code config} (resolved): the handler consumes
     * {@link Topics#L1_EVENTS} as {@code groupId} and publishes to {@link Topics#PROOF_VERDICTS}.
     */
    public static ProofHandlerSettings from(final Config config, final String bootstrapServers, final String groupId) {
        final SettingsReader settings = SettingsReader.of(config);
        final Duration retryBackoffMin = settings.durationBetween("epm.proof-handler.retry-backoff-min", Duration.ZERO,
                ConsumerService.LONGEST_BACKOFF);
        return new ProofHandlerSettings(bootstrapServers, groupId, Topics.L1_EVENTS.name(), Topics.PROOF_VERDICTS.name(),
                L1IngesterSettings.maxProofBytes(settings),
                settings.positiveDuration("epm.proof-handler.poll-timeout"),
                retryBackoffMin,
                settings.durationBetween("epm.proof-handler.retry-backoff-max", retryBackoffMin, ConsumerService.LONGEST_BACKOFF),
                Optional.empty());
    }

    /** These settings on other topics. */
    public ProofHandlerSettings withTopics(final String events, final String verdicts) {
        return new ProofHandlerSettings(bootstrapServers, groupId, events, verdicts, maxProofBytes, pollTimeout,
                retryBackoffMin, retryBackoffMax, groupInstanceId);
    }

    /** These settings with the handler a static member {@code instanceId} of its group (Kafka's group.instance.id). */
    public ProofHandlerSettings withGroupInstanceId(final Optional<String> instanceId) {
        return new ProofHandlerSettings(bootstrapServers, groupId, eventsTopic, verdictsTopic, maxProofBytes, pollTimeout,
                retryBackoffMin, retryBackoffMax, instanceId);
    }

    /** The backoff before retry number {@code failures} (1 = the first): doubling from the minimum, capped at the maximum. */
    public Duration retryBackoff(final int failures) {
        final int doublings = Math.min(Math.max(failures, 1) - 1, 20);
        final Duration backoff = retryBackoffMin.multipliedBy(1L << doublings);
        return backoff.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : backoff;
    }
}
