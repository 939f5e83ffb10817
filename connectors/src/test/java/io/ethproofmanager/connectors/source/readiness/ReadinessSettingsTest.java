package io.ethproofmanager.connectors.source.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readiness checker's block epm.readiness (and the public key prefix) as it reads them, and what it refuses. */
class ReadinessSettingsTest {

    private static ReadinessSettings settings(final String hocon) {
        return ReadinessSettings.from(TestSettings.with(hocon), "127.0.0.1:9092", 271, new ProtocolVersion(0, 28, 1));
    }

    @Test
    void readsItsBlock() {
        final ReadinessSettings settings = settings("""
                epm.readiness { poll-interval = 3s, batch-limit = 7, retry-backoff-min = 2s, retry-backoff-max = 1m,
                                max-inputs-bytes = 1MiB }
                epm.blob-stores.public.key-template = "inputs/{batch}.bin\"""");

        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.batchLimit()).isEqualTo(7);
        assertThat(settings.retryBackoffMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.retryBackoffMax()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.maxInputsBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.publicKeyTemplate()).isEqualTo("inputs/{batch}.bin");
        assertThat(settings.producerOverrides()).isEmpty();
    }

    @Test
    void publicKeyIsDeterministicPerChainAndBatch() {
        assertThat(settings("").publicKey(42)).isEqualTo("public_witness_inputs/witness_inputs_42_271.cbor");
        assertThat(settings("epm.blob-stores.public.key-template = \"inputs/{chain_id}/{batch}.bin\"").publicKey(42)).isEqualTo("inputs/271/42.bin");
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final var settings = settings("epm.readiness { retry-backoff-min = 10s, retry-backoff-max = 45s }");

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.retryBackoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void invalidSettingsAreRefusedWithTheirKeyAndVariable() {
        assertThatThrownBy(() -> settings("epm.readiness.batch-limit = 0"))
                .hasMessage("invalid configuration: epm.readiness.batch-limit (EPM_READINESS_BATCH_LIMIT) must be positive, was 0");
        assertThatThrownBy(() -> settings("epm.readiness.poll-interval = 0s"))
                .hasMessageContaining("epm.readiness.poll-interval (EPM_READINESS_POLL_INTERVAL) must be positive");
        assertThatThrownBy(() -> settings("epm.readiness.poll-interval = soon"))
                .hasMessageContaining("epm.readiness.poll-interval (EPM_READINESS_POLL_INTERVAL) must be a duration");
        assertThatThrownBy(() -> settings("epm.readiness { retry-backoff-min = 10s, retry-backoff-max = 5s }"))
                .hasMessageContaining("epm.readiness.retry-backoff-max must be at least 10s, was 5s");
        assertThatThrownBy(() -> settings("epm.blob-stores.public.key-template = \"../x/{batch}\""))
                .hasMessageContaining("epm.blob-stores.public.key-template (EPM_PUBLIC_BLOBS_KEY_TEMPLATE) must be a relative key");
        assertThatThrownBy(() -> settings("epm.blob-stores.public.key-template = \"inputs/latest.cbor\""))
                .hasMessageContaining("epm.blob-stores.public.key-template (EPM_PUBLIC_BLOBS_KEY_TEMPLATE) must be a relative key");
        assertThatThrownBy(() -> settings("epm.readiness.max-inputs-bytes = 0"))
                .hasMessageContaining("epm.readiness.max-inputs-bytes (EPM_READINESS_MAX_INPUTS_BYTES) must be positive");
        assertThatThrownBy(() -> settings("epm.readiness.max-inputs-bytes = " + Integer.MAX_VALUE))
                .hasMessageContaining("epm.readiness.max-inputs-bytes (EPM_READINESS_MAX_INPUTS_BYTES) must be at most");
    }

    @Test
    void producerOverridesAreCopied() {
        final var overrides = new java.util.HashMap<String, String>(Map.of("linger.ms", "5"));
        final var settings = settings("").withProducerOverrides(overrides);
        overrides.put("acks", "0");

        assertThat(settings.producerOverrides()).containsExactly(Map.entry("linger.ms", "5"));
    }
}
