package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Defaults and preconditions of the ingester's settings. */
class L1IngesterSettingsTest {

    private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    @Test
    void defaultsWaitTwelveConfirmationsAndKeyTheCheckpointByContractAndChains() {
        final L1IngesterSettings settings = L1IngesterSettings.defaults("http://127.0.0.1:8545", CONTRACT, Set.of(325L, 324L), "kafka:9092");

        assertThat(settings.confirmations()).isEqualTo(12);
        assertThat(settings.reorgWindow()).isEqualTo(128);
        assertThat(settings.checkpointTopic()).isEqualTo("epm.l1-ingester-checkpoint.v1");
        assertThat(settings.contractAddress()).isEqualTo(CONTRACT.toLowerCase());
        assertThat(settings.checkpointKey()).isEqualTo(CONTRACT.toLowerCase() + "/324,325");
    }

    @Test
    void invalidValuesAreRefusedWithTheirName() {
        final L1IngesterSettings valid = L1IngesterSettings.defaults("http://127.0.0.1:8545", CONTRACT, Set.of(324L), "kafka:9092");

        assertThatThrownBy(() -> L1IngesterSettings.defaults("http://127.0.0.1:8545", "0x1234", Set.of(324L), "kafka:9092"))
                .hasMessageContaining("contractAddress");
        assertThatThrownBy(() -> L1IngesterSettings.defaults("http://127.0.0.1:8545", CONTRACT, Set.of(), "kafka:9092"))
                .hasMessageContaining("chainIds");
        assertThatThrownBy(() -> valid.withConfirmations(-1)).hasMessageContaining("confirmations");
        assertThatThrownBy(() -> valid.withMaxBlockRange(0)).hasMessageContaining("maxBlockRange");
        assertThatThrownBy(() -> valid.withStartBlock(-1)).hasMessageContaining("startBlock");
        assertThatThrownBy(() -> valid.withPollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> valid.withRpc("ws://node", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(20)))
                .hasMessageContaining("rpcUrl");
        assertThatThrownBy(() -> valid.withRpc("http://node", Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("retryBackoffMax");
    }
}
