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
        assertThat(settings.readiness().batchLimit()).isEqualTo(100);
        assertThat(settings.readiness().maxInputsBytes()).isEqualTo(256L * 1024 * 1024);
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
        assertThat(settings.readiness().maxInputsBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void proofsAreValidatedBehindADualVerifierAcceptingFflonkWithoutCommitmentsByDefault() {
        final ManagerSettings.Proofs proofs = ManagerSettings.load(Optional.empty()).proofs();

        assertThat(proofs.verifierKind()).isEqualTo(io.ethproofmanager.connectors.proof.VerifierKind.DUAL);
        assertThat(proofs.acceptedVariants()).containsExactly("Fflonk");
        assertThat(proofs.commitmentsQuery()).isEmpty();
        assertThat(proofs.handoff()).isTrue();
        assertThat(proofs.handoffProofKeyTemplate()).isEqualTo("proofs_fri/l1_batch_proof_{batch}_{major}_{minor}_{patch}.cbor");
        assertThat(ManagerSettings.load(Optional.empty()).publicKeyTemplate())
                .isEqualTo("public_witness_inputs/witness_inputs_{batch}_{chain_id}.cbor");
    }

    @Test
    void theHandoffCanBeTurnedOffAndItsKeysChanged() {
        final var withEnv = ConfigFactory.parseMap(Map.of("EPM_PROOFS_HANDOFF_ENABLED", "false",
                        "EPM_PROOFS_HANDOFF_PROOF_KEY_TEMPLATE", "proofs/{chain_id}/{batch}.cbor",
                        "EPM_PUBLIC_BLOBS_KEY_TEMPLATE", "inputs/{chain_id}/{batch}.cbor"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();

        final ManagerSettings settings = ManagerSettings.from(withEnv);

        assertThat(settings.proofs().handoff()).isFalse();
        assertThat(settings.proofs().handoffProofKeyTemplate()).isEqualTo("proofs/{chain_id}/{batch}.cbor");
        assertThat(settings.publicKeyTemplate()).isEqualTo("inputs/{chain_id}/{batch}.cbor");
        assertThatThrownBy(() -> settingsWith("epm.proofs.handoff.proof-key-template = \"proofs/latest.cbor\""))
                .hasMessageContaining("must contain {batch}");
    }

    @Test
    void theVerifierKindVariantsAndCommitmentsQueryAreConfigurable() {
        final var withEnv = ConfigFactory.parseMap(Map.of("EPM_L1_VERIFIER_KIND", "plain",
                        "EPM_PROOFS_ACCEPTED_VARIANTS", "Fflonk, Plonk",
                        "EPM_PROOFS_COMMITMENTS_QUERY", "SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();

        final ManagerSettings.Proofs proofs = ManagerSettings.from(withEnv).proofs();

        assertThat(proofs.verifierKind()).isEqualTo(io.ethproofmanager.connectors.proof.VerifierKind.PLAIN);
        assertThat(proofs.acceptedVariants()).containsExactly("Fflonk", "Plonk");
        assertThat(proofs.commitmentsQuery()).contains("SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?");
        assertThatThrownBy(() -> settingsWith("epm.l1.verifier-kind = triple")).hasMessageContaining("epm.l1.verifier-kind");
        assertThatThrownBy(() -> settingsWith("epm.proofs.accepted-variants = \"Fflonk,Groth16\""))
                .hasMessageContaining("epm.proofs.accepted-variants").hasMessageContaining("Groth16");
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThatThrownBy(() -> ManagerSettings.load(Optional.of(Path.of("/nonexistent/manager.conf"))))
                .hasMessageContaining("/nonexistent/manager.conf")
                .hasMessageContaining("does not exist");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> settingsWith("epm.kafka.partitions = 0")).hasMessageContaining("partitions must be positive");
        assertThatThrownBy(() -> settingsWith("epm.protocol-version = \"28\"")).hasMessageContaining("epm.protocol-version");
        assertThatThrownBy(() -> settingsWith("epm.blob-stores.rollup.type = s3")).hasMessageContaining("epm.blob-stores.rollup.type");
        assertThatThrownBy(() -> settingsWith("epm.blob-stores.rollup.type = gcs")).hasMessageContaining("bucket is required");
        assertThatThrownBy(() -> settingsWith("epm.readiness.poll-interval = soon")).hasMessageContaining("poll-interval");
        assertThatThrownBy(() -> settingsWith("epm.proofs.max-bytes = 1048576")).hasMessageContaining("proofs.max-bytes must be at most 458752");
    }

    @Test
    void anExternalChainNeedsItsContractAndSubmitterKeyAndTheKeyIsNeverPrinted() {
        assertThatThrownBy(() -> settingsWith("epm.l1.rpc-url = \"https://rpc.example\""))
                .hasMessageContaining("epm.l1.contract-address, epm.l1.verifier-address and epm.l1.submitter-private-key are required");

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
