package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.testing.TestSettings;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ingester's keys of epm.l1 as it reads them, and the preconditions, named by key and environment variable. */
class L1IngesterSettingsTest {

    private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    private static Config with(final String hocon) {
        return TestSettings.with("epm.l1 { rpc-url = \"http://127.0.0.1:8545\", contract-address = \"" + CONTRACT + "\" }\n" + hocon);
    }

    private static L1IngesterSettings settings(final String hocon) {
        return L1IngesterSettings.from(with(hocon), "kafka:9092", "eth-proof-manager", Set.of(325L, 324L), 7);
    }

    @Test
    void readsItsKeysOfTheL1BlockAndKeysTheCheckpointByContractAndChains() {
        final L1IngesterSettings settings = settings("""
                epm.l1 { confirmations = 12, poll-interval = 3s, max-block-range = 50, reorg-window = 64, rpc-timeout = 4s,
                         rpc-retry-backoff-min = 2s, rpc-retry-backoff-max = 30s }
                epm.proofs.max-bytes = 1000""");

        assertThat(settings.confirmations()).isEqualTo(12);
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.maxBlockRange()).isEqualTo(50);
        assertThat(settings.reorgWindow()).isEqualTo(64);
        assertThat(settings.rpcTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.retryBackoffMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxProofBytes()).isEqualTo(1000);
        assertThat(settings.startBlock()).isEqualTo(7);
        assertThat(settings.checkpointTopic()).isEqualTo("epm.l1-ingester-checkpoint.v1");
        assertThat(settings.contractAddress()).isEqualTo(CONTRACT.toLowerCase());
        assertThat(settings.transactionalId()).isEqualTo("eth-proof-manager-l1-ingester-" + CONTRACT.toLowerCase());
        assertThat(settings.checkpointKey()).isEqualTo(CONTRACT.toLowerCase() + "/324,325");
    }

    @Test
    void theReferenceDefaultsAreValid() {
        assertThat(settings("").confirmations()).isEqualTo(TestSettings.reference().getInt("epm.l1.confirmations"));
    }

    @Test
    void invalidValuesAreRefusedWithTheirKeyAndVariable() {
        assertThatThrownBy(() -> settings("epm.l1.contract-address = \"0x1234\""))
                .hasMessage("invalid configuration: epm.l1.contract-address (EPM_L1_CONTRACT_ADDRESS) must be 0x and 40 hex"
                        + " digits, was '0x1234'");
        assertThatThrownBy(() -> settings("epm.l1.confirmations = -1"))
                .hasMessageContaining("epm.l1.confirmations (EPM_L1_CONFIRMATIONS) must not be negative, was -1");
        assertThatThrownBy(() -> settings("epm.l1.max-block-range = 0")).hasMessageContaining("epm.l1.max-block-range must be positive");
        assertThatThrownBy(() -> settings("epm.l1.poll-interval = 0s"))
                .hasMessageContaining("epm.l1.poll-interval (EPM_L1_POLL_INTERVAL) must be positive, was 0s");
        assertThatThrownBy(() -> settings("epm.l1.poll-interval = soon"))
                .hasMessageContaining("epm.l1.poll-interval (EPM_L1_POLL_INTERVAL) must be a duration");
        assertThatThrownBy(() -> settings("epm.l1.rpc-url = \"ws://node\""))
                .hasMessageContaining("epm.l1.rpc-url (EPM_L1_RPC_URL) must be an http(s) URL, was 'ws://node'");
        assertThatThrownBy(() -> settings("epm.l1 { rpc-retry-backoff-min = 2s, rpc-retry-backoff-max = 1s }"))
                .hasMessageContaining("epm.l1.rpc-retry-backoff-max must be at least 2s, was 1s");
        assertThatThrownBy(() -> settings("epm.proofs.max-bytes = 1048576"))
                .hasMessageContaining("epm.proofs.max-bytes (EPM_PROOFS_MAX_BYTES) must be at most 458752");
    }
}
