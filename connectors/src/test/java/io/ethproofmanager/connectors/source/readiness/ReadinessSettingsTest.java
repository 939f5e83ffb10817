package io.ethproofmanager.connectors.source.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.ProtocolVersion;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadinessSettingsTest {

    private final ReadinessSettings defaults = ReadinessSettings.defaults("127.0.0.1:9092", 271, new ProtocolVersion(0, 28, 1));

    @Test
    void publicKeyIsDeterministicPerChainAndBatch() {
        assertThat(defaults.publicKey(42)).isEqualTo("public_witness_inputs/witness_inputs_42_271.cbor");
        assertThat(defaults.withPublicKeyTemplate("inputs/{chain_id}/{batch}.bin").publicKey(42)).isEqualTo("inputs/271/42.bin");
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final var settings = defaults.withRetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(45));

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.retryBackoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ReadinessSettings.defaults("127.0.0.1:9092", 0, new ProtocolVersion(0, 1, 0)))
                .hasMessageContaining("chainId");
        assertThatThrownBy(() -> defaults.withBatchLimit(0)).hasMessageContaining("batchLimit");
        assertThatThrownBy(() -> defaults.withPollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> defaults.withRetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .hasMessageContaining("retryBackoffMax");
        assertThatThrownBy(() -> new ReadinessSettings(" ", 1, new ProtocolVersion(0, 1, 0), Duration.ofSeconds(1), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), "../x/", 1, Map.of())).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> defaults.withMaxInputsBytes(0)).hasMessageContaining("maxInputsBytes");
        assertThatThrownBy(() -> defaults.withMaxInputsBytes(Integer.MAX_VALUE)).hasMessageContaining("maxInputsBytes");
    }

    @Test
    void proofInputsAreLimitedTo256MibByDefault() {
        assertThat(defaults.maxInputsBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(defaults.withMaxInputsBytes(1024).maxInputsBytes()).isEqualTo(1024);
    }

    @Test
    void producerOverridesAreCopied() {
        final var overrides = new java.util.HashMap<String, String>(Map.of("linger.ms", "5"));
        final var settings = defaults.withProducerOverrides(overrides);
        overrides.put("acks", "0");

        assertThat(settings.producerOverrides()).containsExactly(Map.entry("linger.ms", "5"));
    }
}
