package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings.RollupChain;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code epm.chains}: several rollup chains per deployment; the single-chain keys as a list of one. */
class RollupChainsTest {

    @Test
    void theSingleChainKeysAreAListOfOne() {
        final ManagerSettings settings = settingsWith("""
                epm.chain-id = 300
                epm.blob-stores.rollup.path = "/data/rollup"
                """);

        assertThat(settings.chains()).hasSize(1);
        final RollupChain chain = settings.chains().getFirst();
        assertThat(chain.id()).isEqualTo(300);
        assertThat(chain.proofGenerationDetails().url()).as("the manager's database").isEmpty();
        assertThat(chain.proofGenerationDetails().schema()).isEmpty();
        assertThat(chain.rollupBlobs().path()).contains(Path.of("/data/rollup"));
        assertThat(chain.defaultRollupDirectory()).isEqualTo(Path.of("blobs", "rollup"));
    }

    @Test
    void eachChainHasItsIdTableAndBlobStoresWithDefaultsForWhatItLeavesOut() {
        final ManagerSettings settings = settingsWith("""
                epm.database { user = manager, password = secret }
                epm.blob-stores.public { type = gcs, bucket = "proof-inputs" }
                epm.chains = [
                  { id = 271 }
                  { id = 272, proof-generation-details.schema = rollup_272, blob-stores.rollup.path = "/r/272" }
                  { id = 273
                    proof-generation-details { url = "jdbc:postgresql://rollup-db/era", user = era }
                    blob-stores.public { type = filesystem, path = "/p/273" } }
                ]
                """);

        assertThat(settings.chains()).extracting(RollupChain::id).containsExactly(271L, 272L, 273L);
        assertThat(settings.chainId()).as("the first chain").isEqualTo(271);
        final RollupChain first = settings.chains().get(0);
        final RollupChain second = settings.chains().get(1);
        final RollupChain third = settings.chains().get(2);
        assertThat(first.proofGenerationDetails().url()).isEmpty();
        assertThat(first.rollupBlobs().path()).isEmpty();
        assertThat(first.defaultRollupDirectory()).isEqualTo(Path.of("blobs", "rollup-271"));
        assertThat(first.publicBlobs().bucket()).as("epm.blob-stores.public").contains("proof-inputs");
        assertThat(second.proofGenerationDetails().schema()).contains("rollup_272");
        assertThat(second.rollupBlobs().path()).contains(Path.of("/r/272"));
        assertThat(third.proofGenerationDetails().url()).contains("jdbc:postgresql://rollup-db/era");
        assertThat(third.proofGenerationDetails().user()).isEqualTo("era");
        assertThat(third.proofGenerationDetails().password()).as("the manager's, unless given").isEqualTo("secret");
        assertThat(third.publicBlobs().isGcs()).isFalse();
        assertThat(third.publicBlobs().path()).contains(Path.of("/p/273"));
        assertThat(settings.toString()).doesNotContain("secret");
    }

    @Test
    void theEnvironmentVariableTakesTheListAsText() {
        final var withEnv = ConfigFactory.parseMap(Map.of("EPM_CHAINS",
                        "[{id = 271}, {id = 272, proof-generation-details.schema = rollup_272}]"))
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();

        assertThat(ManagerSettings.from(withEnv).chains()).extracting(RollupChain::id).containsExactly(271L, 272L);
    }

    @Test
    void badChainsNameTheirKeyAndTheVariable() {
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271}, {id = 0, proof-generation-details.schema = b}]"))
                .hasMessage("invalid configuration: epm.chains.1.id (in EPM_CHAINS) must be positive, was 0");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{proof-generation-details.schema = b}]"))
                .hasMessageContaining("epm.chains.0.id (in EPM_CHAINS) is missing");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271}, {id = 271, proof-generation-details.schema = b}]"))
                .hasMessageContaining("epm.chains.1.id (in EPM_CHAINS) must differ from epm.chains.0.id");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271}, {id = 272}]"))
                .hasMessageContaining("epm.chains.1.proof-generation-details (in EPM_CHAINS) must differ from"
                        + " epm.chains.0.proof-generation-details");
        assertThatThrownBy(() -> settingsWith("""
                epm.chains = [{id = 271, blob-stores.rollup.path = "/r"}, {id = 272, proof-generation-details.schema = b,
                  blob-stores.rollup.path = "/r"}]"""))
                .hasMessageContaining("epm.chains.1.blob-stores.rollup (in EPM_CHAINS) must differ");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271, proof-generation-details.schema = \"Rollup-A\"}]"))
                .hasMessageContaining("epm.chains.0.proof-generation-details.schema (in EPM_CHAINS) must be a plain lower-case schema name");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271, blob-store.rollup.path = \"/r\"}]"))
                .hasMessageContaining("epm.chains.0.blob-store.rollup.path (in EPM_CHAINS) is not a key of a chain");
        assertThatThrownBy(() -> settingsWith("epm.chains = [{id = 271, blob-stores.rollup.type = gcs}]"))
                .hasMessageContaining("epm.chains.0.blob-stores.rollup.bucket (in EPM_CHAINS) is required");
        assertThatThrownBy(() -> settingsWith("epm.chains = 271"))
                .hasMessageContaining("epm.chains (EPM_CHAINS) must be a list of chains");
        assertThatThrownBy(() -> settingsWith("""
                epm.blob-stores.public.key-template = "inputs/{batch}.cbor"
                epm.chains = [{id = 271}, {id = 272, proof-generation-details.schema = b}]"""))
                .hasMessageContaining("epm.blob-stores.public.key-template (EPM_PUBLIC_BLOBS_KEY_TEMPLATE) must contain {chain_id}");
    }

    private static ManagerSettings settingsWith(final String hocon) {
        return ManagerSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }

}
