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

    private static ManagerSettings settingsWith(final String hocon) {
        return ManagerSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }
}
