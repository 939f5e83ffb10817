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

        assertThat(settings.l1().embedded()).isFalse();
        assertThat(settings.toString()).doesNotContain("secretsecret");
    }

    @Test
    void contractAddressesOrASubmitterKeyWithoutAnRpcUrlAreRefusedRatherThanRunOnAnEmbeddedChain() {
        assertThatThrownBy(() -> settingsWith("epm.l1.contract-address = \"0x00000000000000000000000000000000000000aa\""))
                .hasMessage("invalid configuration: epm.l1.contract-address (EPM_L1_CONTRACT_ADDRESS) is set but epm.l1.rpc-url"
                        + " (EPM_L1_RPC_URL) is not: set the RPC URL of the chain they belong to, or unset them to run on an"
                        + " embedded anvil chain");
        final var fromEnvironment = ConfigFactory.parseMap(Map.of(
                        "EPM_L1_VERIFIER_ADDRESS", "0x00000000000000000000000000000000000000bb",
                        "EPM_L1_SUBMITTER_PRIVATE_KEY", "0xsecretsecret"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        assertThatThrownBy(() -> ManagerSettings.from(fromEnvironment))
                .hasMessageContaining("epm.l1.verifier-address (EPM_L1_VERIFIER_ADDRESS), epm.l1.submitter-private-key"
                        + " (EPM_L1_SUBMITTER_PRIVATE_KEY) are set but epm.l1.rpc-url (EPM_L1_RPC_URL) is not")
                .message().doesNotContain("secretsecret");
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
    void aDevelopmentNodeIsALocalChainForTheDemoAndOnlyWhenSaidSo() {
        // as docker-compose.yml configures the manager: the node and key from the environment, the addresses from the
        // file `deploy-contracts --output` wrote (a file wins over the environment)
        final var environment = ConfigFactory.parseMap(Map.of(
                "EPM_L1_RPC_URL", "http://anvil:8545",
                "EPM_L1_DEVELOPMENT_NODE", "true",
                "EPM_L1_SUBMITTER_PRIVATE_KEY", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
                "EPM_L1_CONTRACT_ADDRESS", "0x00000000000000000000000000000000000000ff"));
        final var deployOutput = ConfigFactory.parseString("""
                epm.l1 {
                  contract-address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
                  verifier-address = "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853"
                }""");

        final ManagerSettings settings = ManagerSettings.from(deployOutput.withFallback(environment)
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve());

        assertThat(settings.l1().rpcUrl()).contains("http://anvil:8545");
        assertThat(settings.l1().embedded()).isFalse();
        assertThat(settings.l1().developmentNode()).isTrue();
        assertThat(settings.l1().localChainAvailable()).isTrue();
        assertThat(settings.l1().contractAddress()).contains("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
        assertThat(settings.l1().verifierAddress()).contains("0xa513E6E4b8f2a923D98304ec87F64353C4D5C853");

        final ManagerSettings defaults = ManagerSettings.load(Optional.empty());
        assertThat(defaults.l1().developmentNode()).isFalse();
        assertThat(defaults.l1().localChainAvailable()).as("the embedded chain is a local chain").isTrue();
        final ManagerSettings realChain = settingsWith("""
                epm.l1 { rpc-url = "https://rpc.example", contract-address = "0x00000000000000000000000000000000000000aa",
                         verifier-address = "0x00000000000000000000000000000000000000bb",
                         submitter-private-key = "0xsecretsecret" }""");
        assertThat(realChain.l1().localChainAvailable()).as("a configured node is not a development node by default").isFalse();
        assertThatThrownBy(() -> settingsWith("epm.l1.development-node = maybe")).hasMessageContaining("development-node");
    }

    @Test
    void portsAndTheDataDirCanBeMovedWithoutTouchingAnythingElse() {
        final ManagerSettings defaults = settingsWith("");

        final ManagerSettings moved = defaults.withHttpPort(0).withEmbeddedL1Port(0).withEmbeddedDataDir(Path.of("/tmp/epm-x"));

        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.l1().embeddedPort()).isEqualTo(8545);
        assertThat(moved.httpPort()).isZero();
        assertThat(moved.l1().embeddedPort()).isZero();
        assertThat(moved.embeddedDataDir()).contains(Path.of("/tmp/epm-x"));
        assertThat(moved.withHttpPort(8080).withEmbeddedL1Port(8545).withEmbeddedDataDir(Path.of("/tmp/epm-x")))
                .isEqualTo(defaults.withEmbeddedDataDir(Path.of("/tmp/epm-x")));
        assertThatThrownBy(() -> defaults.withHttpPort(70_000)).hasMessageContaining("port must be 0..65535");
        assertThatThrownBy(() -> defaults.withEmbeddedL1Port(-1)).hasMessageContaining("port must be 0..65535");
    }

    private static ManagerSettings settingsWith(final String hocon) {
        return ManagerSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }
}
