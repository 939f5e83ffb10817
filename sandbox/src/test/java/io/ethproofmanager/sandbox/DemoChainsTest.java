package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoChainsTest {

    @Test
    void twoChainsAreTheChainIdAndTheNextEachInASchemaAndADirectoryOfItsOwn() {
        final ManagerSettings settings = ManagerSettings.from(DemoChains.withChains(ManagerSettings.loadConfig(Optional.empty()), 2));

        assertThat(settings.chains()).extracting(ManagerSettings.RollupChain::id).containsExactly(271L, 272L);
        assertThat(settings.chains()).extracting(chain -> chain.proofGenerationDetails().schema().orElseThrow())
                .containsExactly("rollup_271", "rollup_272");
        assertThat(settings.chains()).extracting(ManagerSettings.RollupChain::defaultRollupDirectory)
                .containsExactly(Path.of("blobs", "rollup-271"), Path.of("blobs", "rollup-272"));
    }

    @Test
    void oneChainLeavesTheSettingsAsTheyAre() {
        final var loaded = ManagerSettings.loadConfig(Optional.empty());
        assertThat(DemoChains.withChains(loaded, 1)).isSameAs(loaded);
    }

    @Test
    void chainsConfiguredAlreadyOrAnImpossibleCountAreRefused() {
        final var configured = ConfigFactory.parseString("epm.chains = [{id = 300}]").withFallback(ConfigFactory.defaultReference()).resolve();
        assertThatThrownBy(() -> DemoChains.withChains(configured, 2)).hasMessageContaining("epm.chains (EPM_CHAINS)");
        assertThatThrownBy(() -> DemoChains.withChains(ManagerSettings.loadConfig(Optional.empty()), 0))
                .hasMessageContaining("--chains must be 1 to 16, was 0");
    }
}
