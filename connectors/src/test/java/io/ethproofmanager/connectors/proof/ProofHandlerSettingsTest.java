package io.ethproofmanager.connectors.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proof handler's block epm.proof-handler and epm.proofs.max-bytes as it reads them, the backoff, what it refuses. */
class ProofHandlerSettingsTest {

    private static ProofHandlerSettings settings(final String hocon) {
        return ProofHandlerSettings.from(TestSettings.with(hocon), "127.0.0.1:9092", "epm-proof-handler");
    }

    @Test
    void readsTheL1EventsAndWritesTheVerdictsTopicWithProofsUpToTheConfiguredSize() {
        final ProofHandlerSettings settings = settings("""
                epm.proof-handler { poll-timeout = 1s, retry-backoff-min = 100ms, retry-backoff-max = 30s }
                epm.proofs.max-bytes = 4096""");

        assertThat(settings.eventsTopic()).isEqualTo(Topics.L1_EVENTS.name());
        assertThat(settings.verdictsTopic()).isEqualTo(Topics.PROOF_VERDICTS.name());
        assertThat(settings.groupId()).isEqualTo("epm-proof-handler");
        assertThat(settings.maxProofBytes()).isEqualTo(4096);
        assertThat(settings.pollTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.retryBackoffMin()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings("").maxProofBytes()).as("the reference default").isEqualTo(
                TestSettings.reference().getInt("epm.proofs.max-bytes"));
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final ProofHandlerSettings settings = settings("epm.proof-handler { retry-backoff-min = 100ms, retry-backoff-max = 500ms }");

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.retryBackoff(1_000)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAMaximumBelowTheMinimumAndAZeroSizeLimitNamingTheKey() {
        assertThatThrownBy(() -> settings("epm.proof-handler { retry-backoff-min = 2s, retry-backoff-max = 1s }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epm.proof-handler.retry-backoff-max must be at least 2s, was 1s");
        assertThatThrownBy(() -> settings("epm.proofs.max-bytes = 0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epm.proofs.max-bytes (EPM_PROOFS_MAX_BYTES) must be positive, was 0");
    }

    @Test
    void aBatchsProofHasADeterministicBlobKey() {
        assertThat(ProofHandler.blobKey(new BatchId(324, 17))).isEqualTo("proofs/324/17.proof");
    }
}
