package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox's own settings, and what it refuses before starting any embedded server. */
class LocalInfrastructureTest {

    @Test
    void contractAddressesOrASubmitterKeyWithoutAnRpcUrlAreRefusedRatherThanRunOnAnEmbeddedChain() {
        assertThatThrownBy(() -> LocalInfrastructure.start(settingsWith("epm.l1.contract-address = \"0x00000000000000000000000000000000000000aa\"")))
                .hasMessage("invalid configuration: epm.l1.contract-address (EPM_L1_CONTRACT_ADDRESS) is set but epm.l1.rpc-url"
                        + " (EPM_L1_RPC_URL) is not: set the RPC URL of the chain they belong to, or unset them to run on an"
                        + " embedded anvil chain");
        final Config fromEnvironment = ConfigFactory.parseMap(Map.of(
                        "EPM_L1_VERIFIER_ADDRESS", "0x00000000000000000000000000000000000000bb",
                        "EPM_L1_SUBMITTER_PRIVATE_KEY", "0xsecretsecret"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        assertThatThrownBy(() -> LocalInfrastructure.start(fromEnvironment))
                .hasMessageContaining("epm.l1.verifier-address (EPM_L1_VERIFIER_ADDRESS), epm.l1.submitter-private-key"
                        + " (EPM_L1_SUBMITTER_PRIVATE_KEY) are set but epm.l1.rpc-url (EPM_L1_RPC_URL) is not")
                .message().doesNotContain("secretsecret");
    }

    @Test
    void theLocalL1HasAChainIdOfItsOwnBesideTheRollups() {
        final Config defaults = settingsWith("");

        final LocalInfrastructure.SandboxSettings sandbox = LocalInfrastructure.SandboxSettings.from(defaults);

        assertThat(sandbox.l1ChainId()).isEqualTo(LocalChain.DEFAULT_CHAIN_ID).isEqualTo(31_337L);
        assertThat(ManagerSettings.from(defaults).chainId()).as("the rollup's").isEqualTo(271L);
        assertThat(sandbox.anvilPort()).isEqualTo(8545);
        assertThat(sandbox.developmentNode()).isFalse();
        assertThat(LocalInfrastructure.SandboxSettings.from(ConfigFactory.parseMap(Map.of("EPM_SANDBOX_L1_CHAIN_ID", "5"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve()).l1ChainId()).isEqualTo(5L);
        assertThatThrownBy(() -> LocalInfrastructure.SandboxSettings.from(settingsWith("epm.sandbox.anvil-port = 70000")))
                .hasMessageContaining("epm.sandbox.anvil-port (EPM_SANDBOX_ANVIL_PORT) must be at most 65535, was 70000");
        assertThatThrownBy(() -> LocalInfrastructure.SandboxSettings.from(settingsWith("epm.sandbox.development-node = maybe")))
                .hasMessageContaining("development-node");
    }

    private static Config settingsWith(final String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }
}
