package io.ethproofmanager.sandbox;

import io.ethproofmanager.app.Endpoints;
import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import io.ethproofmanager.app.ManagerSettings;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.devkit.chain.AnvilProcess;
import io.ethproofmanager.devkit.chain.ContractDeployer;
import io.ethproofmanager.devkit.chain.ContractDeployment;
import io.ethproofmanager.connectors.source.l1.DeploymentBlock;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.contract.ProofManager.ProvingNetworkInfo;
import io.ethproofmanager.devkit.chain.contracts.TestUsdc;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.DefaultGasProvider;
import picocli.CommandLine;

/** {@code deploy-contracts} and {@link LocalChain#attach} against a real, bare anvil node (one per test). */
class DeployContractsCommandTest {

    private static final long L1_CHAIN_ID = 271;

    @TempDir
    Path dir;

    private AnvilProcess anvil;
    private HttpService rpc;
    private Web3j web3j;

    @BeforeEach
    void startBareAnvil() {
        anvil = AnvilProcess.start(L1_CHAIN_ID, Duration.ofSeconds(20));
        rpc = new HttpService(anvil.rpcUrl());
        web3j = Web3j.build(rpc);
    }

    @AfterEach
    void stopAnvil() {
        web3j.shutdown();
        anvil.close();
    }

    @Test
    void deploysOnceWritesTheSettingsFileAndDeploysNothingTheSecondTime() throws Exception {
        final Path file = dir.resolve("chain").resolve("contracts.conf");
        mineEmptyBlocks(20);

        final Run first = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString());

        assertThat(first.exitCode).as("exit code; stderr: %s", first.err).isZero();
        assertThat(file).exists();
        final ManagerSettings settings = ManagerSettings.load(Optional.of(file));
        final String proofManager = settings.l1().contractAddress().orElseThrow();
        final String verifier = settings.l1().verifierAddress().orElseThrow();
        assertThat(proofManager).as("account 0's second transaction on a fresh anvil, as on the embedded chain")
                .isEqualToIgnoringCase("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
        assertThat(settings.l1().rpcUrl()).as("the file names the node").contains(anvil.rpcUrl());
        assertThat(settings.l1().startBlock()).as("the file names the ProofManager's deployment block")
                .contains(DeploymentBlock.find(web3j, proofManager));
        assertThat(settings.l1().startBlock().orElseThrow()).as("after the 20 empty blocks").isGreaterThan(20);
        assertThat(settings.l1().submitterPrivateKey()).as("the submitter is the public development account 0")
                .hasValueSatisfying(key -> assertThat(Credentials.create(key).getAddress())
                        .isEqualToIgnoringCase(LocalChain.submitterAccount().getAddress()));
        assertThat(Endpoints.startBlock(settings.l1())).as("the manager's first block: the file's")
                .isEqualTo(settings.l1().startBlock().orElseThrow());
        assertThat(ContractDeployer.hasCode(web3j, proofManager)).as("code at the ProofManager").isTrue();
        assertThat(ContractDeployer.hasCode(web3j, verifier)).as("code at the TestVerifier").isTrue();
        final ProofManager reader = ProofManager.load(proofManager, web3j, LocalChain.submitterAccount(), new DefaultGasProvider());
        assertRegisteredActive(reader, LocalChain.FERMAH, LocalChain.networkAccount(ProvingNetwork.FERMAH).getAddress());
        assertRegisteredActive(reader, LocalChain.LAGRANGE, LocalChain.networkAccount(ProvingNetwork.LAGRANGE).getAddress());
        final String usdc = reader.USDC().send();
        assertThat(Files.readString(file)).as("the comment names the USDC address").containsIgnoringCase(usdc);
        final TestUsdc token = TestUsdc.load(usdc, web3j, LocalChain.submitterAccount(), new DefaultGasProvider());
        assertThat(token.balanceOf(proofManager).send()).as("USDC held by the ProofManager").isEqualTo(LocalChain.INITIAL_FUNDING);
        assertThat(first.out).contains(proofManager);
        final BigInteger nonceAfterFirst = deployerNonce();

        final Run second = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString());

        assertThat(second.exitCode).as("exit code; stderr: %s", second.err).isZero();
        assertThat(second.out).contains("already deployed");
        assertThat(deployerNonce()).as("the deployer's nonce: no transaction the second time").isEqualTo(nonceAfterFirst);
        final ManagerSettings again = ManagerSettings.load(Optional.of(file));
        assertThat(again.l1().contractAddress()).contains(proofManager);
        assertThat(again.l1().verifierAddress()).contains(verifier);
    }

    @Test
    void setsThePreferredNetworkAfterDeployingAndOnALaterRunOnlyWhenItDiffers() throws Exception {
        final Path file = dir.resolve("contracts.conf");

        final Run deploy = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString(),
                "--preferred-network", "lagrange");

        assertThat(deploy.exitCode).as("exit code; stderr: %s", deploy.err).isZero();
        assertThat(deploy.out).contains("preferred proving network set to lagrange (was none)");
        final String proofManager = ManagerSettings.load(Optional.of(file)).l1().contractAddress().orElseThrow();
        assertThat(preferredNetwork(proofManager)).isEqualTo(LocalChain.LAGRANGE);

        final Run same = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString(),
                "--preferred-network", "lagrange");

        assertThat(same.exitCode).as("exit code; stderr: %s", same.err).isZero();
        assertThat(same.out).contains("already deployed").contains("preferred proving network already lagrange");
        final BigInteger nonce = deployerNonce();

        final Run other = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString(),
                "--preferred-network", "fermah");

        assertThat(other.exitCode).as("exit code; stderr: %s", other.err).isZero();
        assertThat(other.out).contains("already deployed").contains("preferred proving network set to fermah (was lagrange)");
        assertThat(preferredNetwork(proofManager)).isEqualTo(LocalChain.FERMAH);
        assertThat(deployerNonce()).as("one transaction: the update, no deployment").isEqualTo(nonce.add(BigInteger.ONE));
        assertThat(run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--preferred-network", "someone").err)
                .contains("--preferred-network must be fermah, lagrange or none, was 'someone'");
    }

    @Test
    void redeploysWhenTheFileNamesContractsTheNodeDoesNotHave() throws Exception {
        final Path file = dir.resolve("contracts.conf");
        Files.writeString(file, """
                epm.l1 {
                  contract-address = "0x00000000000000000000000000000000000000aa"
                  verifier-address = "0x00000000000000000000000000000000000000bb"
                }
                """);

        final Run run = run("deploy-contracts", "--rpc-url", anvil.rpcUrl(), "--output", file.toString(),
                "--funding", "5000000");

        assertThat(run.exitCode).as("exit code; stderr: %s", run.err).isZero();
        final String proofManager = ManagerSettings.load(Optional.of(file)).l1().contractAddress().orElseThrow();
        assertThat(ContractDeployer.hasCode(web3j, proofManager)).isTrue();
        final ProofManager reader = ProofManager.load(proofManager, web3j, LocalChain.submitterAccount(), new DefaultGasProvider());
        final TestUsdc token = TestUsdc.load(reader.USDC().send(), web3j, LocalChain.submitterAccount(), new DefaultGasProvider());
        assertThat(token.balanceOf(proofManager).send()).isEqualTo(BigInteger.valueOf(5_000_000));
    }

    @Test
    void anUnreachableNodeFailsAfterTheWaitWithAClearMessage() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        final String url = "http://127.0.0.1:" + closedPort;
        final Path file = dir.resolve("contracts.conf");

        final long began = System.nanoTime();
        final Run run = run("deploy-contracts", "--rpc-url", url, "--output", file.toString(), "--wait-for-node", "1");

        assertThat(run.exitCode).isNotZero();
        assertThat(run.err).contains("no JSON-RPC node answered eth_chainId at " + url + " within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("waited about the given second").isLessThan(Duration.ofSeconds(15));
        assertThat(file).doesNotExist();
    }

    @Test
    void aLocalChainAttachedToTheNodeDrivesItAndLeavesItRunning() throws Exception {
        final ContractDeployment deployment = new ContractDeployer(web3j, LocalChain.submitterAccount()).deploy(
                LocalChain.networkAccount(ProvingNetwork.FERMAH).getAddress(),
                LocalChain.networkAccount(ProvingNetwork.LAGRANGE).getAddress(), LocalChain.INITIAL_FUNDING).contracts();

        try (LocalChain chain = LocalChain.attach(anvil.rpcUrl(), deployment.proofManagerAddress(), deployment.verifierAddress())) {
            assertThat(chain.ownsNode()).isFalse();
            assertThat(chain.deployment()).as("the USDC address is read from the ProofManager").isEqualTo(deployment);
            assertThat(chain.chainId()).isEqualTo(L1_CHAIN_ID);
            assertThat(chain.usdc(chain.outsider()).balanceOf(chain.proofManagerAddress()).send())
                    .isEqualTo(LocalChain.INITIAL_FUNDING);

            final var id = new ProofRequestIdentifier(BigInteger.valueOf(324), BigInteger.valueOf(7));
            chain.proofManager(chain.submitter()).submitProofRequest(id, new ProofRequestParams(BigInteger.ZERO,
                    BigInteger.valueOf(29), BigInteger.TWO, "https://blobs.example/7", BigInteger.valueOf(4_800),
                    BigInteger.valueOf(4_000_000))).send();
            final ProofManager.ProofRequest request = chain.proofManager(chain.outsider()).proofRequest(id).send();
            assertThat(request.proofInputsUrl).isEqualTo("https://blobs.example/7");
            assertThat(request.submittedAt.signum()).as("submitted").isPositive();

            final long before = chain.latestBlockTimestamp();
            chain.increaseTime(1_000);
            chain.mine();
            assertThat(chain.latestBlockTimestamp()).as("chain time after evm_increaseTime").isGreaterThanOrEqualTo(before + 1_000);
            final String snapshot = chain.snapshot();
            chain.mine();
            chain.revert(snapshot);
        }

        assertThat(web3j.ethBlockNumber().send().getBlockNumber().signum())
                .as("the node still answers after the attached chain is closed").isPositive();
    }

    @Test
    void attachingWhereNoContractIsFailsClearly() {
        final ContractDeployment nothing = new ContractDeployment("0x00000000000000000000000000000000000000aa",
                "0x00000000000000000000000000000000000000bb", "0x00000000000000000000000000000000000000cc");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalChain.attach(anvil.rpcUrl(), nothing))
                .hasMessageContaining("no contract at the ProofManager address 0x00000000000000000000000000000000000000bb");
    }

    private static void assertRegisteredActive(final ProofManager reader, final BigInteger network, final String address)
            throws Exception {
        final ProvingNetworkInfo info = reader.provingNetworkInfo(network).send();
        assertThat(info.addr).as("address of network %s", network).isEqualToIgnoringCase(address);
        assertThat(info.status).as("status of network %s", network).isEqualTo(LocalChain.ACTIVE);
    }

    private BigInteger preferredNetwork(final String proofManager) throws Exception {
        return ProofManager.load(proofManager, web3j, LocalChain.submitterAccount(), new DefaultGasProvider())
                .preferredProvingNetwork().send();
    }

    private void mineEmptyBlocks(final int count) throws IOException {
        final LocalChain.RawResponse response = new Request<>("anvil_mine", List.of(count), rpc, LocalChain.RawResponse.class).send();
        assertThat(response.hasError()).as("anvil_mine").isFalse();
    }

    private BigInteger deployerNonce() throws IOException {
        return web3j.ethGetTransactionCount(LocalChain.submitterAccount().getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount();
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = SandboxMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {
    }
}
