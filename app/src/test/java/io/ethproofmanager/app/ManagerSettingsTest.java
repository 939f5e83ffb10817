package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagerSettingsTest {

    @Test
    void defaultsRunEverythingEmbedded() {
        final ManagerSettings settings = ManagerSettings.load(Optional.empty());

        assertThat(settings.chainId()).isEqualTo(271);
        assertThat(settings.kafka().bootstrapServers()).isEmpty();
        assertThat(settings.database().url()).isEmpty();
        assertThat(settings.rollupBlobs().isGcs()).isFalse();
        assertThat(settings.proofRequest().timeoutAfter()).isEqualTo(Duration.ofSeconds(4800));
        assertThat(settings.proofRequest().maxRewardMicroUsdc()).isEqualTo(4_000_000);
    }

    @Test
    void aFileOverridesOnlyTheKeysItNames(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("manager.conf");
        Files.writeString(file, """
                epm.chain-id = 300
                epm.protocol-version = "0.29.2"
                epm.kafka.bootstrap-servers = "kafka-1:9092,kafka-2:9092"
                epm.blob-stores.public { type = gcs, bucket = "proof-inputs" }
                """);

        final ManagerSettings settings = ManagerSettings.load(Optional.of(file));

        assertThat(settings.chainId()).isEqualTo(300);
        assertThat(settings.protocolVersion()).isEqualTo(new ProtocolVersion(0, 29, 2));
        assertThat(settings.kafka().bootstrapServers()).contains("kafka-1:9092,kafka-2:9092");
        assertThat(settings.publicBlobs().isGcs()).isTrue();
        assertThat(settings.publicBlobs().bucket()).contains("proof-inputs");
        assertThat(settings.config().getInt("epm.readiness.batch-limit")).as("a component's key, not in the file")
                .isEqualTo(ConfigFactory.defaultReference().getInt("epm.readiness.batch-limit"));
    }

    @Test
    void environmentVariablesAreTheSubstitutionsOfTheDefaults() {
        final var withEnv = ConfigFactory.parseMap(Map.of("EPM_CHAIN_ID", "324", "EPM_DATABASE_URL", "jdbc:postgresql://db/rollup",
                        "EPM_READINESS_MAX_INPUTS_BYTES", "1MiB"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();

        final ManagerSettings settings = ManagerSettings.from(withEnv);

        assertThat(settings.chainId()).isEqualTo(324);
        assertThat(settings.database().url()).contains("jdbc:postgresql://db/rollup");
        assertThat(settings.config().getBytes("epm.readiness.max-inputs-bytes")).isEqualTo(1024 * 1024);
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThatThrownBy(() -> ManagerSettings.load(Optional.of(Path.of("/nonexistent/manager.conf"))))
                .hasMessageContaining("/nonexistent/manager.conf")
                .hasMessageContaining("does not exist");
    }

    @Test
    void badValuesNameTheirKeyAndVariable() {
        assertThatThrownBy(() -> settingsWith("epm.kafka.partitions = 0"))
                .hasMessage("invalid configuration: epm.kafka.partitions (EPM_KAFKA_PARTITIONS) must be positive, was 0");
        assertThatThrownBy(() -> settingsWith("epm.protocol-version = \"28\""))
                .hasMessageContaining("epm.protocol-version (EPM_PROTOCOL_VERSION) must be a version");
        assertThatThrownBy(() -> settingsWith("epm.blob-stores.rollup.type = s3"))
                .hasMessageContaining("epm.blob-stores.rollup.type (EPM_ROLLUP_BLOBS_TYPE) must be filesystem or gcs, was 's3'");
        assertThatThrownBy(() -> settingsWith("epm.blob-stores.rollup.type = gcs"))
                .hasMessageContaining("epm.blob-stores.rollup.bucket (EPM_ROLLUP_BLOBS_BUCKET) is required");
        assertThatThrownBy(() -> settingsWith("epm.proof-request.max-reward = 5000001"))
                .hasMessageContaining("epm.proof-request.max-reward (EPM_PROOF_REQUEST_MAX_REWARD) must be at most 5000000");
        assertThatThrownBy(() -> settingsWith("epm.proof-request.timeout-after = 120s"))
                .hasMessageContaining("epm.proof-request.timeout-after (EPM_PROOF_REQUEST_TIMEOUT_AFTER) must be at least 121s");
        assertThatThrownBy(() -> settingsWith("epm.http.port = 70000"))
                .hasMessageContaining("epm.http.port (EPM_HTTP_PORT) must be at most 65535");
    }

    @Test
    void aComponentsBadValueStopsTheStartWithItsKeyBeforeAnythingStarts() {
        final String endpoints = """
                epm.kafka.bootstrap-servers = "localhost:1"
                epm.database.url = "jdbc:postgresql://localhost:1/x"
                epm.l1 { rpc-url = "http://localhost:1", contract-address = "0x00000000000000000000000000000000000000aa",
                         verifier-address = "0x00000000000000000000000000000000000000bb",
                         submitter-private-key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
                         start-block = 0 }
                """;
        assertThatThrownBy(() -> ProofManagerService.start(settingsWith(endpoints + "epm.readiness.poll-interval = soon")))
                .hasMessageContaining("epm.readiness.poll-interval (EPM_READINESS_POLL_INTERVAL) must be a duration");
        assertThatThrownBy(() -> ProofManagerService.start(settingsWith(endpoints + "epm.proofs.max-bytes = 1048576")))
                .hasMessageContaining("epm.proofs.max-bytes (EPM_PROOFS_MAX_BYTES) must be at most 458752");
        assertThatThrownBy(() -> ProofManagerService.start(settingsWith(endpoints + "epm.l1.submitter-private-key = \"0xsecret\"")))
                .hasMessageContaining("epm.l1.submitter-private-key (EPM_L1_SUBMITTER_PRIVATE_KEY) must be a private key in hex")
                .message().doesNotContain("0xsecret");
    }

    @Test
    void anExternalChainNeedsItsContractAndSubmitterKeyAndTheKeyIsNeverPrinted() {
        assertThatThrownBy(() -> settingsWith("epm.l1.rpc-url = \"https://rpc.example\""))
                .hasMessageContaining("epm.l1.contract-address (EPM_L1_CONTRACT_ADDRESS), epm.l1.verifier-address"
                        + " (EPM_L1_VERIFIER_ADDRESS), epm.l1.submitter-private-key (EPM_L1_SUBMITTER_PRIVATE_KEY) are required");

        final ManagerSettings settings = settingsWith("""
                epm.l1 { rpc-url = "https://rpc.example", contract-address = "0x00000000000000000000000000000000000000aa",
                         verifier-address = "0x00000000000000000000000000000000000000bb",
                         submitter-private-key = "0xsecretsecret" }""");

        assertThat(settings.toString()).doesNotContain("secretsecret");
    }

    @Test
    void theStartBlockIsUnsetByDefaultAndZeroIsABlock() {
        assertThat(settingsWith("").l1().startBlock()).as("default: unset").isEmpty();
        assertThat(settingsWith("epm.l1.start-block = 0").l1().startBlock()).contains(0L);
        assertThat(settingsWith("epm.l1.start-block = 19000000").l1().startBlock()).contains(19_000_000L);
        final var fromEnvironment = ConfigFactory.parseMap(Map.of("EPM_L1_START_BLOCK", "1234"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        assertThat(ManagerSettings.from(fromEnvironment).l1().startBlock()).contains(1234L);
        assertThatThrownBy(() -> settingsWith("epm.l1.start-block = -1"))
                .hasMessageContaining("epm.l1.start-block (EPM_L1_START_BLOCK) must be a block number");
        assertThatThrownBy(() -> settingsWith("epm.l1.start-block = latest")).hasMessageContaining("was 'latest'");
    }

    @Test
    void theHttpPortAndTheDataDirCanBeMovedWithoutTouchingAnythingElse() {
        final ManagerSettings defaults = settingsWith("");

        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.dataDir()).as("default: a new temporary directory at start").isEmpty();
        assertThat(defaults.withHttpPort(0).httpPort()).isZero();
        assertThat(defaults.withHttpPort(0).withHttpPort(8080)).isEqualTo(defaults);
        assertThat(settingsWith("epm.data-dir = /var/lib/epm").dataDir()).contains(Path.of("/var/lib/epm"));
        final var fromEnvironment = ConfigFactory.parseMap(Map.of("EPM_DATA_DIR", "/data"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        assertThat(ManagerSettings.from(fromEnvironment).dataDir()).contains(Path.of("/data"));
        assertThatThrownBy(() -> defaults.withHttpPort(70_000)).hasMessageContaining("port must be 0..65535");
    }

    @Test
    void theServiceRefusesToStartWithoutItsEndpointsNamingEachMissingKey() {
        assertThatThrownBy(() -> ProofManagerService.start(settingsWith("")))
                .hasMessageContaining("epm.kafka.bootstrap-servers (EPM_KAFKA_BOOTSTRAP_SERVERS)")
                .hasMessageContaining("epm.database.url (EPM_DATABASE_URL)")
                .hasMessageContaining("epm.l1.rpc-url (EPM_L1_RPC_URL)")
                .hasMessageContaining("epm.l1.contract-address (EPM_L1_CONTRACT_ADDRESS)")
                .hasMessageContaining("epm.l1.verifier-address (EPM_L1_VERIFIER_ADDRESS)")
                .hasMessageContaining("epm.l1.submitter-private-key (EPM_L1_SUBMITTER_PRIVATE_KEY)")
                .hasMessageContaining("./run.sh");
        assertThatThrownBy(() -> ProofManagerService.start(settingsWith(
                "epm.kafka.bootstrap-servers = \"localhost:1\"\nepm.database.url = \"jdbc:postgresql://localhost:1/x\"")))
                .hasMessageContaining("epm.l1.rpc-url (EPM_L1_RPC_URL)")
                .message().doesNotContain("bootstrap-servers").doesNotContain("database.url");
    }

    private static ManagerSettings settingsWith(final String hocon) {
        return ManagerSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }
}
