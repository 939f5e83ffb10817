package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.schemas.ProtocolVersion;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the {@link ReadinessChecker}.
 *
 * @param bootstrapServers Kafka brokers the readiness events go to
 * @param chainId the rollup's chain id, part of every event's key
 * @param protocolVersion protocol version announced with every batch
 * @param pollInterval delay between the end of a round and the start of the next
 * @param batchLimit most batches handled in one round
 * @param retryBackoffMin delay before the first retry of a failed batch
 * @param retryBackoffMax longest delay between retries (the backoff doubles up to it)
 * @param publicKeyTemplate key of a batch's public object, with {@code {batch}} and {@code {chain_id}} filled in, e.g.
 *     {@value #DEFAULT_PUBLIC_KEY_TEMPLATE} (where the rollup's node publishes its proof inputs)
 * @param maxInputsBytes largest proof generation blob copied; a larger one fails its batch ({@code blob_too_large})
 * @param producerOverrides extra Kafka producer settings (e.g. {@code delivery.timeout.ms}); they cannot weaken
 *     {@code acks=all} or idempotence
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
        Map<String, String> producerOverrides) {

    /** The default {@link #publicKeyTemplate}: zksync-era's key of a batch's public witness inputs. */
    public static final String DEFAULT_PUBLIC_KEY_TEMPLATE = "public_witness_inputs/witness_inputs_{batch}_{chain_id}.cbor";

    /** The default {@link #maxInputsBytes}: 256 MiB. */
    public static final long DEFAULT_MAX_INPUTS_BYTES = 256L * 1024 * 1024;

    /** The most a blob can be: what fits in one Java array. */
    public static final long MAX_INPUTS_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    public ReadinessSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        Objects.requireNonNull(publicKeyTemplate, "publicKeyTemplate");
        producerOverrides = Map.copyOf(Objects.requireNonNull(producerOverrides, "producerOverrides"));
        require(!bootstrapServers.isBlank(), "bootstrapServers must not be blank");
        require(chainId > 0, "chainId must be positive, was " + chainId);
        require(isPositive(pollInterval), "pollInterval must be positive, was " + pollInterval);
        require(batchLimit > 0, "batchLimit must be positive, was " + batchLimit);
        require(isPositive(retryBackoffMin), "retryBackoffMin must be positive, was " + retryBackoffMin);
        require(isPositive(retryBackoffMax) && retryBackoffMax.compareTo(retryBackoffMin) >= 0,
                "retryBackoffMax must be at least retryBackoffMin (" + retryBackoffMin + "), was " + retryBackoffMax);
        require(!publicKeyTemplate.startsWith("/") && !publicKeyTemplate.contains(".."),
                "publicKeyTemplate must be a relative key, was '" + publicKeyTemplate + "'");
        require(publicKeyTemplate.contains("{batch}"),
                "publicKeyTemplate must contain {batch} (one object per batch), was '" + publicKeyTemplate + "'");
        require(maxInputsBytes > 0 && maxInputsBytes <= MAX_INPUTS_BYTES_LIMIT,
                "maxInputsBytes must be between 1 and " + MAX_INPUTS_BYTES_LIMIT + ", was " + maxInputsBytes);
    }

    /**
     * Settings with the usual defaults: every 10 s, 100 batches a round, retries from 10 s up to 10 min, proof inputs up
     * to 256 MiB, no overrides.
     */
    public static ReadinessSettings defaults(final String bootstrapServers, final long chainId, final ProtocolVersion protocolVersion) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, Duration.ofSeconds(10), 100,
                Duration.ofSeconds(10), Duration.ofMinutes(10), DEFAULT_PUBLIC_KEY_TEMPLATE, DEFAULT_MAX_INPUTS_BYTES, Map.of());
    }

    public ReadinessSettings withPollInterval(final Duration interval) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, interval, batchLimit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxInputsBytes, producerOverrides);
    }

    public ReadinessSettings withBatchLimit(final int limit) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, limit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxInputsBytes, producerOverrides);
    }

    public ReadinessSettings withRetryBackoff(final Duration min, final Duration max) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                min, max, publicKeyTemplate, maxInputsBytes, producerOverrides);
    }

    public ReadinessSettings withProducerOverrides(final Map<String, String> overrides) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxInputsBytes, overrides);
    }

    public ReadinessSettings withMaxInputsBytes(final long maxBytes) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                retryBackoffMin, retryBackoffMax, publicKeyTemplate, maxBytes, producerOverrides);
    }

    public ReadinessSettings withPublicKeyTemplate(final String template) {
        return new ReadinessSettings(bootstrapServers, chainId, protocolVersion, pollInterval, batchLimit,
                retryBackoffMin, retryBackoffMax, template, maxInputsBytes, producerOverrides);
    }

    /** The public object key of a batch: the same for every attempt, so a retry overwrites the same object. */
    public String publicKey(final long batchNumber) {
        return publicKeyTemplate.replace("{batch}", Long.toString(batchNumber)).replace("{chain_id}", Long.toString(chainId));
    }

    /** The delay before attempt {@code failedAttempts + 1}: the minimum, doubled per earlier failure, at most the maximum. */
    public Duration retryBackoff(final int failedAttempts) {
        require(failedAttempts >= 1, "failedAttempts must be at least 1, was " + failedAttempts);
        final int doublings = Math.min(failedAttempts - 1, 62);
        final long minMillis = retryBackoffMin.toMillis();
        final long maxMillis = retryBackoffMax.toMillis();
        final boolean overflows = minMillis > (maxMillis >> doublings);
        return overflows ? retryBackoffMax : Duration.ofMillis(Math.min(maxMillis, minMillis << doublings));
    }

    private static boolean isPositive(final Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
