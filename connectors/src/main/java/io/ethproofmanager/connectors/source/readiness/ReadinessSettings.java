package io.ethproofmanager.connectors.source.readiness;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the {@link ReadinessChecker}: its block {@code epm.readiness} of reference.conf ({@link #from}), and what
 * the service tells it.
 *
 * @param bootstrapServers Kafka brokers the readiness events go to
 * @param chainId the rollup's chain id, part of every event's key
 * @param protocolVersion protocol version announced with every batch
 * @param pollInterval delay between the end of a round and the start of the next
 * @param batchLimit most batches handled in one round
 * @param retryBackoffMin delay before the first retry of a failed batch
 * @param retryBackoffMax longest delay between retries (the backoff doubles up to it)
 * @param publicKeyTemplate key of a batch's public object, with {@code {batch}} and {@code {chain_id}} filled in, e.g.
 *     zksync-era's {@code public_witness_inputs/witness_inputs_{batch}_{chain_id}.cbor}
 * @param maxInputsBytes largest proof generation blob copied; a larger one fails its batch ({@code blob_too_large})
 * @param producerOverrides extra Kafka producer settings (e.g. {@code delivery.timeout.ms}); they cannot weaken
 *     {@code acks=all} or idempotence
 * @param topic the readiness topic of the deployment ({@link Topics#READINESS} under its prefix)
 */
public record ReadinessSettings(
        String bootstrapServers,
        long chainId,
        ProtocolVersion protocolVersion,
        Duration pollInterval,
        int batchLimit,
        Duration retryBackoffMin,
        Duration retryBackoffMax,
        String publicKeyTemplate,
        long maxInputsBytes,
        Map<String, String> producerOverrides,
        String topic) {

    /** The most a blob can be: what fits in one Java array. */
    public static final long MAX_INPUTS_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    public ReadinessSettings {
        producerOverrides = Map.copyOf(Objects.requireNonNull(producerOverrides, "producerOverrides"));
    }

    /**
     * Reads {@code epm.readiness} and {@code epm.blob-stores.public.key-template} of {@code config} (resolved); the checker
     * publishes to {@code bootstrapServers} the batches of rollup {@code chainId}, produced under {@code protocolVersion}.
     */
    public static ReadinessSettings from(final Config config, final String bootstrapServers, final long chainId,
            final ProtocolVersion protocolVersion) {
        final SettingsReader settings = SettingsReader.of(config);
        final Duration retryBackoffMin = settings.positiveDuration("epm.readiness.retry-backoff-min");
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion,
                settings.positiveDuration("epm.readiness.poll-interval"),
                settings.positiveInt("epm.readiness.batch-limit"),
                retryBackoffMin,
                settings.durationAtLeast("epm.readiness.retry-backoff-max", retryBackoffMin),
                settings.parsed("epm.blob-stores.public.key-template",
                        "a relative key (no leading /, no ..) with {batch}, e.g. public_witness_inputs/witness_inputs_{batch}_{chain_id}.cbor",
                        false, ReadinessSettings::keyTemplate),
                settings.bytesBetween("epm.readiness.max-inputs-bytes", 1, MAX_INPUTS_BYTES_LIMIT),
                Map.of(),
                Topics.READINESS.name());
    }

    /** These settings with extra Kafka producer settings (they cannot weaken {@code acks=all} or idempotence). */
    public ReadinessSettings withProducerOverrides(final Map<String, String> overrides) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxInputsBytes, overrides, topic);
    }

    /** These settings publishing to {@code otherTopic} (the readiness topic of another deployment prefix). */
    public ReadinessSettings withTopic(final String otherTopic) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxInputsBytes, producerOverrides, otherTopic);
    }

    /** The public object key of a batch: the same for every attempt, so a retry overwrites the same object. */
    public String publicKey(final long batchNumber) {
        return publicKeyTemplate.replace("{batch}", Long.toString(batchNumber)).replace("{chain_id}", Long.toString(chainId));
    }

    /** The delay before attempt {@code failedAttempts + 1}: the minimum, doubled per earlier failure, at most the maximum. */
    public Duration retryBackoff(final int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, was " + failedAttempts);
        }
        final int doublings = Math.min(failedAttempts - 1, 62);
        final long minMillis = retryBackoffMin.toMillis();
        final long maxMillis = retryBackoffMax.toMillis();
        final boolean overflows = minMillis > (maxMillis >> doublings);
        return overflows ? retryBackoffMax : Duration.ofMillis(Math.min(maxMillis, minMillis << doublings));
    }

    private static String keyTemplate(final String template) {
        if (template.startsWith("/") || template.contains("..") || !template.contains("{batch}")) {
            throw new IllegalArgumentException("not a relative key with {batch}: " + template);
        }
        return template;
    }
}
