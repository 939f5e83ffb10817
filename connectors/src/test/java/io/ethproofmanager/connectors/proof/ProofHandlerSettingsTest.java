package io.ethproofmanager.connectors.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proof handler's settings: defaults, the backoff schedule, and what they refuse. */
class ProofHandlerSettingsTest {

    private static final ProofHandlerSettings DEFAULTS = ProofHandlerSettings.defaults("127.0.0.1:9092");

    @Test
    void defaultsReadTheL1EventsAndWriteTheVerdictsTopicWithProofsUpToOneMebibyte() {
        assertThat(DEFAULTS.eventsTopic()).isEqualTo(Topics.L1_EVENTS.name());
        assertThat(DEFAULTS.verdictsTopic()).isEqualTo(Topics.PROOF_VERDICTS.name());
        assertThat(DEFAULTS.groupId()).isEqualTo("epm-proof-handler");
        assertThat(DEFAULTS.maxProofBytes()).isEqualTo(1_048_576);
    }

    @Test
    void backoffDoublesFromTheMinimumUpToTheMaximum() {
        final ProofHandlerSettings settings = DEFAULTS.withRetryBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(settings.retryBackoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.retryBackoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.retryBackoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(settings.retryBackoff(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.retryBackoff(1_000)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAMaximumBelowTheMinimumAZeroSizeLimitAndABlankGroup() {
        assertThatThrownBy(() -> DEFAULTS.withRetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be shorter");
        assertThatThrownBy(() -> DEFAULTS.withMaxProofBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxProofBytes");
        assertThatThrownBy(() -> DEFAULTS.withGroupId(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groupId");
    }

    @Test
    void aBatchsProofHasADeterministicBlobKey() {
        assertThat(ProofHandler.blobKey(new BatchId(324, 17))).isEqualTo("proofs/324/17.proof");
    }
}
