package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.devkit.chain.AnvilProcess;
import io.ethproofmanager.devkit.chain.ContractDeployer;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/** The log ingester's first block on a configured chain: as given, or the ProofManager's deployment block read from the node. */
class ConfiguredChainStartBlockTest {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    @Test
    void withoutAStartBlockTheContractsDeploymentBlockIsFoundOnTheNode() throws IOException {
        try (AnvilProcess anvil = AnvilProcess.start(LocalChain.DEFAULT_CHAIN_ID, STARTUP)) {
            final HttpService rpc = new HttpService(anvil.rpcUrl());
            final Web3j web3j = Web3j.build(rpc);
            try {
                mine(rpc, 37);
                final ContractDeployer.Deployed deployed = deploy(web3j);
                mine(rpc, 12);

                final long startBlock = Endpoints.startBlock(l1(anvil.rpcUrl(), deployed, ""));

                assertThat(deployed.proofManagerBlock()).as("deployed after the 37 empty blocks").isGreaterThan(37);
                assertThat(startBlock).isEqualTo(deployed.proofManagerBlock());
            } finally {
                web3j.shutdown();
            }
        }
    }

    @Test
    void aGivenStartBlockIsUsedAsGiven() throws IOException {
        try (AnvilProcess anvil = AnvilProcess.start(LocalChain.DEFAULT_CHAIN_ID, STARTUP)) {
            final HttpService rpc = new HttpService(anvil.rpcUrl());
            final Web3j web3j = Web3j.build(rpc);
            try {
                mine(rpc, 5);
                final ContractDeployer.Deployed deployed = deploy(web3j);

                assertThat(Endpoints.startBlock(l1(anvil.rpcUrl(), deployed, "3"))).isEqualTo(3);
                assertThat(Endpoints.startBlock(l1(anvil.rpcUrl(), deployed, "0"))).as("0 is a block, not 'unset'")
                        .isZero();
            } finally {
                web3j.shutdown();
            }
        }
    }

    @Test
    void aNodeWithoutHistoryAndNoStartBlockRefusesTheStartAskingForIt() throws IOException {
        try (AnvilProcess anvil = AnvilProcess.start(LocalChain.DEFAULT_CHAIN_ID, 0, STARTUP, List.of("--prune-history"))) {
            final HttpService rpc = new HttpService(anvil.rpcUrl());
            final Web3j web3j = Web3j.build(rpc);
            try {
                final ContractDeployer.Deployed deployed = deploy(web3j);
                mine(rpc, 10);
                final ManagerSettings.L1 l1 = l1(anvil.rpcUrl(), deployed, "");

                assertThatThrownBy(() -> Endpoints.startBlock(l1))
                        .hasMessageContaining("epm.l1.start-block (EPM_L1_START_BLOCK) is not set")
                        .hasMessageContaining(deployed.contracts().proofManagerAddress())
                        .hasMessageContaining(anvil.rpcUrl())
                        .hasMessageContaining("set epm.l1.start-block or EPM_L1_START_BLOCK");
                assertThat(Endpoints.startBlock(l1(anvil.rpcUrl(), deployed, "2"))).isEqualTo(2);
            } finally {
                web3j.shutdown();
            }
        }
    }

    private static ContractDeployer.Deployed deploy(final Web3j web3j) {
        return new ContractDeployer(web3j, LocalChain.submitterAccount()).deploy(
                LocalChain.networkAccount(ProvingNetwork.FERMAH).getAddress(),
                LocalChain.networkAccount(ProvingNetwork.LAGRANGE).getAddress(), LocalChain.INITIAL_FUNDING);
    }

    private static ManagerSettings.L1 l1(final String rpcUrl, final ContractDeployer.Deployed deployed, final String startBlock) {
        return ManagerSettings.from(ConfigFactory.parseString("""
                epm.l1 { rpc-url = "%s", contract-address = "%s", verifier-address = "%s", submitter-private-key = "0x01",
                         start-block = "%s" }""".formatted(rpcUrl, deployed.contracts().proofManagerAddress(),
                        deployed.contracts().verifierAddress(), startBlock))
                .withFallback(ConfigFactory.defaultReference()).resolve()).l1();
    }

    private static void mine(final HttpService rpc, final int blocks) throws IOException {
        final LocalChain.RawResponse response = new Request<>("anvil_mine", List.of(blocks), rpc, LocalChain.RawResponse.class).send();
        assertThat(response.hasError()).as("anvil_mine %s", blocks).isFalse();
    }
}
