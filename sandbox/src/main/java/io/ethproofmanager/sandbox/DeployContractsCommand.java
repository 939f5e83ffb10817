package io.ethproofmanager.sandbox;

import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.contracts.TestUsdc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import io.ethproofmanager.devkit.chain.ContractDeployer;
import io.ethproofmanager.devkit.chain.ContractDeployment;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deploy-contracts}: deploys TestUsdc, the ProofManager (Fermah and Lagrange registered and active, funded with
 * TestUsdc) and the TestVerifier to a JSON-RPC node, optionally sets the preferred proving network, and writes a settings
 * file for {@code --config} with everything the manager needs to use them: the node's RPC URL, the addresses, the
 * ProofManager's deployment block as the log ingester's first block, and the submitter key when it is the public
 * development key. Waits for the node first, and deploys nothing when the file already names contracts that exist on the
 * node, so that it can run as a one-shot container on every {@code docker compose up}.
 */
@Command(name = "deploy-contracts", mixinStandardHelpOptions = true,
        description = "Deploy the test contracts (TestUsdc, a funded ProofManager with Fermah and Lagrange active, TestVerifier)"
                + " to a JSON-RPC node, e.g. an anvil development node, and write a settings file to use them (RPC URL,"
                + " addresses, deployment block).")
public final class DeployContractsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DeployContractsCommand.class);
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(500);
    private static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Option(names = "--rpc-url", required = true, paramLabel = "URL", description = "the node's JSON-RPC endpoint")
    private String rpcUrl;

    @Option(names = "--output", paramLabel = "FILE",
            description = "write epm.l1.rpc-url, contract-address, verifier-address and start-block (the ProofManager's"
                    + " deployment block) here, and submitter-private-key when the submitter is the public development"
                    + " account 0 (HOCON, for --config); when it exists and its contracts have code on the node, deploy nothing")
    private Path output;

    @Option(names = "--deployer-key", paramLabel = "HEX",
            description = "private key of the deployer, also admin and submitter unless given (default: the public anvil"
                    + " development key of account 0, for development nodes only)")
    private String deployerKey;

    @Option(names = "--admin-address", paramLabel = "ADDRESS", description = "holder of the admin role (default: the deployer)")
    private String adminAddress;

    @Option(names = "--submitter-address", paramLabel = "ADDRESS",
            description = "holder of the submitter role, repeated for each lane of the L1 sender (default: the deployer)")
    private List<String> submitterAddresses;

    @Option(names = "--fermah-address", paramLabel = "ADDRESS",
            description = "Fermah's address, registered active (default: anvil development account 1)")
    private String fermahAddress;

    @Option(names = "--lagrange-address", paramLabel = "ADDRESS",
            description = "Lagrange's address, registered active (default: anvil development account 2)")
    private String lagrangeAddress;

    @Option(names = "--funding", paramLabel = "MICRO_USDC",
            description = "TestUsdc minted to the ProofManager, in micro-units (default: 1000000000, i.e. 1,000 USDC)")
    private BigInteger funding;

    @Option(names = "--preferred-network", paramLabel = "NETWORK",
            description = "after deploying, set the ProofManager's preferred proving network: fermah, lagrange or none"
                    + " (default: leave it as deployed, none); with contracts already deployed, set it when it differs."
                    + " The deployer must hold the admin role")
    private String preferredNetwork;

    @Option(names = "--wait-for-node", paramLabel = "SECONDS", defaultValue = "60",
            description = "retry eth_chainId this long until the node answers (default: ${DEFAULT-VALUE})")
    private long waitForNodeSeconds;

    @Override
    public Integer call() throws IOException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (waitForNodeSeconds < 0) {
            err.println("deploy-contracts: --wait-for-node must not be negative, was " + waitForNodeSeconds);
            return 2;
        }
        final Optional<ProvingNetwork> preferred;
        try {
            preferred = preferredNetwork();
        } catch (final IllegalArgumentException e) {
            err.println("deploy-contracts: " + e.getMessage());
            return 2;
        }
        final Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            final Optional<Long> chainId = awaitNode(web3j, Duration.ofSeconds(waitForNodeSeconds), err);
            if (chainId.isEmpty()) {
                return 1;
            }
            final Optional<Existing> existing = existingDeployment(web3j);
            if (existing.isPresent()) {
                final String network = preferred.isEmpty() ? "" : "; " + ensurePreferred(
                        new ContractDeployer(web3j, deployerAccount()), existing.get().proofManagerAddress(), preferred.get());
                out.printf("already deployed on chain %d at %s: ProofManager %s, TestVerifier %s (from %s); nothing to deploy%s%n",
                        chainId.get(), rpcUrl, existing.get().proofManagerAddress(), existing.get().verifierAddress(), output, network);
                out.flush();
                return 0;
            }
            final Credentials deployerAccount = deployerAccount();
            final String admin = Optional.ofNullable(adminAddress).orElse(deployerAccount.getAddress());
            if (preferred.isPresent() && !admin.equalsIgnoreCase(deployerAccount.getAddress())) {
                err.println("deploy-contracts: --preferred-network needs the deployer to keep the admin role, but --admin-address"
                        + " hands it to " + admin + "; let that admin call updatePreferredProvingNetwork instead");
                return 2;
            }
            final List<String> submitters = Optional.ofNullable(submitterAddresses).filter(list -> !list.isEmpty())
                    .orElse(List.of(deployerAccount.getAddress()));
            final String submitter = submitters.getFirst();
            final String fermah = Optional.ofNullable(fermahAddress)
                    .orElseGet(() -> LocalChain.networkAccount(ProvingNetwork.FERMAH).getAddress());
            final String lagrange = Optional.ofNullable(lagrangeAddress)
                    .orElseGet(() -> LocalChain.networkAccount(ProvingNetwork.LAGRANGE).getAddress());
            final ContractDeployer deployer = new ContractDeployer(web3j, deployerAccount);
            final ContractDeployer.Deployed deployed = deployer.deploy(admin, submitters, fermah, lagrange,
                    Optional.ofNullable(funding).orElse(LocalChain.INITIAL_FUNDING));
            final ContractDeployment deployment = deployed.contracts();
            final String network = preferred.isEmpty() ? ""
                    : ", " + ensurePreferred(deployer, deployment.proofManagerAddress(), preferred.get());
            if (output != null) {
                write(output, deployed, chainId.get(), deployerAccount, submitter);
            }
            out.printf("deployed on chain %d at %s: ProofManager %s in block %d, TestVerifier %s, TestUsdc %s%s%s%n", chainId.get(),
                    rpcUrl, deployment.proofManagerAddress(), deployed.proofManagerBlock(), deployment.verifierAddress(),
                    deployment.usdcAddress(), network, output == null ? "" : "; wrote " + output);
            out.flush();
            return 0;
        } finally {
            web3j.shutdown();
        }
    }

    /** The network {@code --preferred-network} names, if given. */
    private Optional<ProvingNetwork> preferredNetwork() {
        if (preferredNetwork == null) {
            return Optional.empty();
        }
        final String name = preferredNetwork.trim().toLowerCase(java.util.Locale.ROOT);
        return Optional.of(java.util.Arrays.stream(ProvingNetwork.values()).filter(n -> n.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--preferred-network must be fermah, lagrange or none, was '"
                        + preferredNetwork + "'")));
    }

    /** Makes {@code network} the ProofManager's preferred network unless it already is; says which it was. */
    private static String ensurePreferred(final ContractDeployer deployer, final String proofManager, final ProvingNetwork network) {
        final ProvingNetwork current = deployer.preferredNetwork(proofManager);
        if (current == network) {
            LOG.info("the preferred proving network of {} is already {}", proofManager, network.wireName());
            return "preferred proving network already " + network.wireName();
        }
        deployer.updatePreferredNetwork(proofManager, network);
        LOG.info("preferred proving network of {}: {} (was {})", proofManager, network.wireName(), current.wireName());
        return "preferred proving network set to " + network.wireName() + " (was " + current.wireName() + ")";
    }

    /** Asks the node for its chain id until it answers or {@code wait} has passed; reports the failure on {@code err}. */
    private Optional<Long> awaitNode(final Web3j web3j, final Duration wait, final PrintWriter err) {
        final long began = System.nanoTime();
        final long deadline = began + wait.toNanos();
        long nextReport = began + REPORT_INTERVAL.toNanos();
        String lastError;
        while (true) {
            try {
                final EthChainId response = web3j.ethChainId().send();
                if (!response.hasError()) {
                    return Optional.of(response.getChainId().longValueExact());
                }
                lastError = "eth_chainId failed: " + response.getError().getMessage();
            } catch (final IOException | RuntimeException e) {
                lastError = e.toString();
            }
            final long now = System.nanoTime();
            if (now >= deadline) {
                err.printf("deploy-contracts: no JSON-RPC node answered eth_chainId at %s within %d s (last error: %s)%n",
                        rpcUrl, wait.toSeconds(), lastError);
                err.flush();
                return Optional.empty();
            }
            if (now >= nextReport) {
                LOG.info("waiting for the node at {} ({} s so far): {}", rpcUrl, Duration.ofNanos(now - began).toSeconds(), lastError);
                nextReport = now + REPORT_INTERVAL.toNanos();
            }
            try {
                Thread.sleep(Math.min(RETRY_INTERVAL.toMillis(), Math.max(1, (deadline - now) / 1_000_000)));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The contracts a settings file written earlier names. */
    private record Existing(String proofManagerAddress, String verifierAddress) {
    }

    /** The contracts {@code --output} names, when the file exists and both have code on the node. */
    private Optional<Existing> existingDeployment(final Web3j web3j) {
        if (output == null || !Files.exists(output)) {
            return Optional.empty();
        }
        final String contract;
        final String verifier;
        try {
            final Config l1 = ConfigFactory.parseFile(output.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                    .resolve().getConfig("epm.l1");
            contract = l1.getString("contract-address");
            verifier = l1.getString("verifier-address");
        } catch (final ConfigException e) {
            LOG.warn("{} exists but names no deployment ({}); deploying and overwriting it", output, e.getMessage());
            return Optional.empty();
        }
        if (ContractDeployer.hasCode(web3j, contract) && ContractDeployer.hasCode(web3j, verifier)) {
            return Optional.of(new Existing(contract, verifier));
        }
        LOG.warn("{} names ProofManager {} and TestVerifier {}, but {} holds no code there (a new node?); deploying again",
                output, contract, verifier, rpcUrl);
        return Optional.empty();
    }

    private Credentials deployerAccount() {
        if (deployerKey == null || deployerKey.isBlank()) {
            final Credentials dev = LocalChain.submitterAccount();
            LOG.warn("deploying with the PUBLIC anvil development key of account 0 ({}): anyone can sign with it; use"
                    + " --deployer-key on any chain but a local development node", dev.getAddress());
            return dev;
        }
        try {
            return Credentials.create(deployerKey.trim());
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("--deployer-key is not a hex private key", e);
        }
    }

    /**
     * Writes the settings file atomically (a temporary file beside it, then a rename): everything the manager needs to use
     * the contracts, the submitter key only when it is the public development key.
     */
    private void write(final Path file, final ContractDeployer.Deployed deployed, final long chainId, final Credentials deployer,
            final String submitter) throws IOException {
        final Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        final ContractDeployment deployment = deployed.contracts();
        final Credentials development = LocalChain.submitterAccount();
        final String submitterKey = submitter.equalsIgnoreCase(development.getAddress())
                ? """
                  # the PUBLIC anvil development key of account 0, the submitter: for a local development node only
                  submitter-private-key = %s
                """.formatted(ConfigUtil.quoteString(LocalChain.submitterPrivateKey()))
                : """
                  # the submitter %s signs with its own key: set epm.l1.submitter-private-key or EPM_L1_SUBMITTER_PRIVATE_KEY
                """.formatted(submitter);
        final String text = """
                # Written by `eth-proof-manager deploy-contracts` at %s: chain %d at %s, deployer %s.
                # TestUsdc (the ProofManager's payment token): %s
                # Use with: eth-proof-manager --config %s
                epm.l1 {
                  rpc-url = %s
                  contract-address = %s
                  verifier-address = %s
                  # the block the ProofManager was deployed in: the log ingester reads its events from there
                  start-block = %d
                %s}
                """.formatted(Instant.now().truncatedTo(ChronoUnit.SECONDS), chainId, rpcUrl, deployer.getAddress(),
                deployment.usdcAddress(), file, ConfigUtil.quoteString(rpcUrl), ConfigUtil.quoteString(deployment.proofManagerAddress()),
                ConfigUtil.quoteString(deployment.verifierAddress()), deployed.proofManagerBlock(), submitterKey);
        final Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        LOG.info("wrote the RPC URL, contract addresses and deployment block {} to {}", deployed.proofManagerBlock(), absolute);
    }
}
