package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.contracts.TestUsdc;
import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Properties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractEIP1559GasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A local L1 for the demo and the tests: an anvil node with TestUsdc and a funded ProofManager deployed (by
 * {@link ContractDeployer}), Fermah and Lagrange registered and active, a TestVerifier deployed after them, plus the time
 * and snapshot controls of anvil. Either started here ({@link #start()}, owning the anvil process) or attached to an
 * anvil development node that runs elsewhere ({@link #attach(String, ContractDeployment)}).
 */
public final class LocalChain implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalChain.class);

    /** Chain id of the local L1: anvil's default, unlike any rollup's chain id (the rollup of the sandbox is 271). */
    public static final long DEFAULT_CHAIN_ID = 31_337;
    /** USDC minted to the ProofManager at start: 1,000 USDC covers 200 requests in flight at the 5 USDC bound. */
    public static final BigInteger INITIAL_FUNDING = BigInteger.valueOf(1_000_000_000L);
    /** ProvingNetwork enum values of the contract. */
    public static final BigInteger NONE = BigInteger.ZERO;
    public static final BigInteger FERMAH = BigInteger.ONE;
    public static final BigInteger LAGRANGE = BigInteger.TWO;
    /** ProvingNetworkStatus enum values of the contract. */
    public static final BigInteger ACTIVE = BigInteger.ZERO;
    public static final BigInteger INACTIVE = BigInteger.ONE;

    /** The well-known anvil development keys (mnemonic "test test ... junk"), accounts 0 to 3. */
    private static final List<String> DEV_KEYS = List.of(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
            "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
    private static final List<Credentials> DEV_ACCOUNTS = DEV_KEYS.stream().map(Credentials::create).toList();
    /** The keys of anvil development accounts 4 to 9: the submitters of lanes 1 to 6 (lane 0 is account 0). */
    private static final List<String> FURTHER_LANE_KEYS = List.of(
            "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
            "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
            "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
            "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
            "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
            "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    /** In a chain directory ({@link #startIn}): the addresses of the contracts deployed there. */
    static final String DEPLOYMENT_FILE = "deployment.properties";
    private static final int RECEIPT_POLL_MILLIS = 200;
    private static final int RECEIPT_POLL_ATTEMPTS = 150;

    private final Optional<AnvilProcess> anvil;
    private final String rpcUrl;
    private final HttpService rpc;
    private final Web3j web3j;
    private final long chainId;
    private final ContractEIP1559GasProvider gasProvider;
    private final String usdcAddress;
    private final String proofManagerAddress;
    private final String verifierAddress;

    private LocalChain(final Optional<AnvilProcess> anvil, final String rpcUrl, final HttpService rpc, final Web3j web3j,
            final long chainId, final ContractDeployment deployment) {
        this.anvil = anvil;
        this.rpcUrl = rpcUrl;
        this.rpc = rpc;
        this.web3j = web3j;
        this.chainId = chainId;
        this.gasProvider = new StaticEIP1559GasProvider(chainId,
                BigInteger.valueOf(10_000_000_000L), BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(8_000_000L));
        this.usdcAddress = deployment.usdcAddress();
        this.proofManagerAddress = deployment.proofManagerAddress();
        this.verifierAddress = deployment.verifierAddress();
    }

    /** Starts anvil with {@link #DEFAULT_CHAIN_ID} and deploys the contracts. */
    public static LocalChain start() {
        return start(DEFAULT_CHAIN_ID);
    }

    /** Starts anvil with {@code chainId} and deploys the contracts. */
    public static LocalChain start(final long chainId) {
        return start(chainId, 0);
    }

    /** Starts anvil with {@code chainId} on {@code port} (0 = a free port) and deploys the contracts. */
    public static LocalChain start(final long chainId, final int port) {
        final long began = System.nanoTime();
        final AnvilProcess anvil = AnvilProcess.start(chainId, port, STARTUP_TIMEOUT);
        final HttpService rpc = new HttpService(anvil.rpcUrl());
        final Web3j web3j = Web3j.build(rpc);
        final LocalChain chain;
        try {
            final ContractDeployment deployment = new ContractDeployer(web3j, DEV_ACCOUNTS.get(0))
                    .deploy(DEV_ACCOUNTS.get(1).getAddress(), DEV_ACCOUNTS.get(2).getAddress(), INITIAL_FUNDING).contracts();
            chain = new LocalChain(Optional.of(anvil), anvil.rpcUrl(), rpc, web3j, chainId, deployment);
        } catch (final RuntimeException e) {
            web3j.shutdown();
            anvil.close();
            throw e;
        }
        LOG.info("local chain {} ready on {} in {} ms: ProofManager {}, USDC {}, TestVerifier {}", chainId, chain.rpcUrl(),
                (System.nanoTime() - began) / 1_000_000, chain.proofManagerAddress, chain.usdcAddress, chain.verifierAddress);
        return chain;
    }

    /**
     * A local chain that lives in {@code dir} across restarts of this process, {@code kill -9} included: the anvil node
     * of {@link AnvilProcess#startIn} (adopted when a process that died left it running, else started from the state it
     * dumped there), with the contracts deployed once and their addresses kept in {@value #DEPLOYMENT_FILE}.
     */
    public static LocalChain startIn(final Path dir, final long chainId, final int port) {
        final long began = System.nanoTime();
        final AnvilProcess anvil = AnvilProcess.startIn(dir, chainId, port, STARTUP_TIMEOUT);
        final HttpService rpc = new HttpService(anvil.rpcUrl());
        final Web3j web3j = Web3j.build(rpc);
        final LocalChain chain;
        try {
            final long nodeChainId = send("read the chain id", () -> web3j.ethChainId().send().getChainId().longValueExact());
            final Optional<ContractDeployment> kept = deploymentIn(dir)
                    .filter(d -> ContractDeployer.hasCode(web3j, d.proofManagerAddress()));
            final ContractDeployment deployment = kept.orElseGet(() -> {
                final ContractDeployment deployed = new ContractDeployer(web3j, DEV_ACCOUNTS.get(0))
                        .deploy(DEV_ACCOUNTS.get(1).getAddress(), DEV_ACCOUNTS.get(2).getAddress(), INITIAL_FUNDING).contracts();
                writeDeployment(dir.resolve(DEPLOYMENT_FILE), deployed);
                return deployed;
            });
            chain = new LocalChain(Optional.of(anvil), anvil.rpcUrl(), rpc, web3j, nodeChainId, deployment);
            LOG.info("local chain {} ready on {} in {} ms ({}): ProofManager {}, USDC {}, TestVerifier {}", nodeChainId, chain.rpcUrl(),
                    (System.nanoTime() - began) / 1_000_000, kept.isPresent() ? "contracts kept from the last run" : "contracts deployed",
                    chain.proofManagerAddress, chain.usdcAddress, chain.verifierAddress);
        } catch (final RuntimeException e) {
            web3j.shutdown();
            anvil.close();
            throw e;
        }
        return chain;
    }

    /** The contracts a chain directory ({@link #startIn}) holds, when they were deployed there. */
    public static Optional<ContractDeployment> deploymentIn(final Path dir) {
        final Path file = dir.resolve(DEPLOYMENT_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        final Properties properties = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the local chain's deployment " + file, e);
        }
        return Optional.of(new ContractDeployment(properties.getProperty("usdc"), properties.getProperty("proof-manager"),
                properties.getProperty("verifier")));
    }

    private static void writeDeployment(final Path file, final ContractDeployment deployment) {
        final Properties properties = new Properties();
        properties.setProperty("usdc", deployment.usdcAddress());
        properties.setProperty("proof-manager", deployment.proofManagerAddress());
        properties.setProperty("verifier", deployment.verifierAddress());
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "contracts of the local chain in this directory");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the local chain's deployment " + file, e);
        }
    }

    /**
     * A local chain on an anvil development node that is already running at {@code rpcUrl}, with the well-known
     * development accounts and {@code deployment} on it (for example from {@link ContractDeployer} with account 0 as
     * the deployer, Fermah account 1 and Lagrange account 2). It owns no process: {@link #close()} only shuts the client
     * down. Fails when the node does not answer or holds no ProofManager at the given address.
     */
    public static LocalChain attach(final String rpcUrl, final ContractDeployment deployment) {
        Objects.requireNonNull(rpcUrl, "rpcUrl");
        Objects.requireNonNull(deployment, "deployment");
        final HttpService rpc = new HttpService(rpcUrl);
        final Web3j web3j = Web3j.build(rpc);
        try {
            final long chainId = send("read the chain id", () -> web3j.ethChainId().send().getChainId().longValueExact());
            if (!ContractDeployer.hasCode(web3j, deployment.proofManagerAddress())) {
                throw new IllegalStateException("no contract at the ProofManager address " + deployment.proofManagerAddress()
                        + " on " + rpcUrl + " (was the node restarted since the contracts were deployed?)");
            }
            final LocalChain chain = new LocalChain(Optional.empty(), rpcUrl, rpc, web3j, chainId, deployment);
            LOG.info("attached to the development node {} (chain {}): ProofManager {}, USDC {}, TestVerifier {}", rpcUrl, chainId,
                    chain.proofManagerAddress, chain.usdcAddress, chain.verifierAddress);
            return chain;
        } catch (final RuntimeException e) {
            web3j.shutdown();
            throw e;
        }
    }

    /**
     * {@link #attach(String, ContractDeployment)} with the TestUsdc address read from the ProofManager ({@code USDC()}).
     */
    public static LocalChain attach(final String rpcUrl, final String proofManagerAddress, final String verifierAddress) {
        final Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        final String usdc;
        try {
            usdc = send("read the USDC address of the ProofManager " + proofManagerAddress, () -> ProofManager.load(
                    proofManagerAddress, web3j, DEV_ACCOUNTS.get(0), new org.web3j.tx.gas.DefaultGasProvider()).USDC().send());
        } finally {
            web3j.shutdown();
        }
        return attach(rpcUrl, new ContractDeployment(usdc, proofManagerAddress, verifierAddress));
    }

    /** Where the contracts are. */
    public ContractDeployment deployment() {
        return new ContractDeployment(usdcAddress, proofManagerAddress, verifierAddress);
    }

    /** Whether this chain started its own anvil node (false when attached to a running one). */
    public boolean ownsNode() {
        return anvil.isPresent();
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public long chainId() {
        return chainId;
    }

    public Web3j web3j() {
        return web3j;
    }

    public String proofManagerAddress() {
        return proofManagerAddress;
    }

    public String usdcAddress() {
        return usdcAddress;
    }

    /** Address of the TestVerifier (the rollup's IVerifier interface; it accepts the proofs of {@code TestVerifierProofs}). */
    public String verifierAddress() {
        return verifierAddress;
    }

    /** The TestVerifier wrapper, for calls. */
    public TestVerifier verifier() {
        return TestVerifier.load(verifierAddress, web3j, transactionManager(admin()), gasProvider);
    }

    /** The anvil development account a proving network is registered with on a local chain (Fermah 1, Lagrange 2). */
    public static Credentials networkAccount(final io.ethproofmanager.schemas.ProvingNetwork network) {
        return switch (network) {
            case FERMAH -> DEV_ACCOUNTS.get(1);
            case LAGRANGE -> DEV_ACCOUNTS.get(2);
            case NONE -> throw new IllegalArgumentException("no account stands for proving network none");
        };
    }

    /** The anvil development account holding the admin and submitter roles on a local chain. */
    public static Credentials submitterAccount() {
        return DEV_ACCOUNTS.get(0);
    }

    /**
     * The submitter's private key (anvil account 0) in hex, as {@code epm.l1.submitter-private-key} takes it: the form a
     * configuration carries it in ({@link #submitterAccount()} is the same account).
     */
    public static String submitterPrivateKey() {
        return DEV_KEYS.get(0);
    }

    /**
     * The submitter keys of {@code lanes} lanes on a local chain, as {@code epm.l1.submitter-keys} takes them: lane 0 is
     * anvil account 0 ({@link #submitterPrivateKey()}), lanes 1 to 6 accounts 4 to 9 (funded, no other role).
     */
    public static List<String> submitterPrivateKeys(final int lanes) {
        if (lanes < 1 || lanes > 1 + FURTHER_LANE_KEYS.size()) {
            throw new IllegalArgumentException("a local chain has keys for 1 to " + (1 + FURTHER_LANE_KEYS.size())
                    + " lanes, asked for " + lanes);
        }
        final List<String> keys = new ArrayList<>();
        keys.add(submitterPrivateKey());
        keys.addAll(FURTHER_LANE_KEYS.subList(0, lanes - 1));
        return List.copyOf(keys);
    }

    /** Grants the submitter role to {@code address} (the admin signs); a holder already granted stays as is. */
    public void grantSubmitterRole(final String address) {
        final ProofManager manager = proofManager(admin());
        try {
            manager.grantRole(manager.SUBMITTER_ROLE().send(), address).send();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot grant the submitter role to " + address + " on " + rpcUrl, e);
        }
    }

    /** Holder of the admin role and deployer of both contracts (anvil account 0). */
    public Credentials admin() {
        return DEV_ACCOUNTS.get(0);
    }

    /** Holder of the submitter role (anvil account 0, the same account as the admin). */
    public Credentials submitter() {
        return DEV_ACCOUNTS.get(0);
    }

    /** Fermah's registered address (anvil account 1). */
    public Credentials fermah() {
        return DEV_ACCOUNTS.get(1);
    }

    /** Lagrange's registered address (anvil account 2). */
    public Credentials lagrange() {
        return DEV_ACCOUNTS.get(2);
    }

    /** A funded account with no role and no network (anvil account 3). */
    public Credentials outsider() {
        return DEV_ACCOUNTS.get(3);
    }

    public ContractEIP1559GasProvider gasProvider() {
        return gasProvider;
    }

    /** EIP-1559 signing transaction manager of {@code account}, polling receipts every 200 ms (30 s at most). */
    public TransactionManager transactionManager(final Credentials account) {
        Objects.requireNonNull(account, "account");
        return new RawTransactionManager(web3j, account, chainId,
                new PollingTransactionReceiptProcessor(web3j, RECEIPT_POLL_MILLIS, RECEIPT_POLL_ATTEMPTS));
    }

    /** The ProofManager wrapper sending as {@code account}. */
    public ProofManager proofManager(final Credentials account) {
        return ProofManager.load(proofManagerAddress, web3j, transactionManager(account), gasProvider);
    }

    /** The TestUsdc wrapper sending as {@code account}. */
    public TestUsdc usdc(final Credentials account) {
        return TestUsdc.load(usdcAddress, web3j, transactionManager(account), gasProvider);
    }

    /** Moves the chain's clock forward by {@code seconds} for the next block. */
    public void increaseTime(final long seconds) {
        rpc("evm_increaseTime", List.of(seconds));
    }

    /** Gives the next block exactly the timestamp {@code epochSeconds}. */
    public void setNextBlockTimestamp(final long epochSeconds) {
        rpc("evm_setNextBlockTimestamp", List.of(epochSeconds));
    }

    /** Turns anvil's mining of each transaction as it arrives on or off (off: transactions wait in the pool for {@link #mine()}). */
    public void setAutomine(final boolean on) {
        rpc("evm_setAutomine", List.of(on));
    }

    /** Mines one block (with the pool's transactions when automine is off). */
    public void mine() {
        rpc("evm_mine", List.of());
    }

    /** Mines a block every {@code seconds} seconds from now on, as anvil's {@code --block-time} ({@code evm_setIntervalMining}). */
    public void setIntervalMining(final int seconds) {
        rpc("evm_setIntervalMining", List.of(seconds));
    }

    /** Gives the next block the base fee {@code wei} ({@code anvil_setNextBlockBaseFeePerGas}). */
    public void setNextBlockBaseFee(final BigInteger wei) {
        rpc("anvil_setNextBlockBaseFeePerGas", List.of("0x" + wei.toString(16)));
    }

    /**
     * Replaces the last {@code depth} blocks with as many empty ones ({@code anvil_reorg}): their transactions are gone
     * for good, not back in the pool.
     */
    public void reorg(final int depth) {
        rpc("anvil_reorg", List.of(depth, List.of()));
    }

    /** Removes a pending transaction from anvil's pool ({@code anvil_dropTransaction}), as a node that lost it would. */
    public void dropTransaction(final String hash) {
        rpc("anvil_dropTransaction", List.of(hash));
    }

    /** Snapshots the chain state; returns the id for {@link #revert(String)}. */
    public String snapshot() {
        return String.valueOf(rpc("evm_snapshot", List.of()));
    }

    /** Restores the state of snapshot {@code id} (which anvil then forgets). */
    public void revert(final String id) {
        final Object reverted = rpc("evm_revert", List.of(id));
        if (!Boolean.TRUE.equals(reverted)) {
            throw new IllegalStateException("anvil refused to revert to snapshot " + id + ": " + reverted);
        }
    }

    /** Timestamp of the latest block, in epoch seconds. */
    public long latestBlockTimestamp() {
        return send("read the latest block", () -> web3j.ethGetBlockByNumber(
                DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp().longValueExact());
    }

    @Override
    public void close() {
        web3j.shutdown();
        anvil.ifPresent(AnvilProcess::close);
    }

    private Object rpc(final String method, final List<?> params) {
        final RawResponse response = send(method, () -> new Request<>(method, params, rpc, RawResponse.class).send());
        if (response.hasError()) {
            throw new IllegalStateException(method + " failed on " + rpcUrl() + ": " + response.getError().getMessage());
        }
        return response.getResult();
    }

    private static <T> T send(final String what, final Call<T> call) {
        try {
            return call.call();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot " + what + " on the local chain", e);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("cannot " + what + " on the local chain", e);
        }
    }

    /** A call to the node that may fail. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    /** JSON-RPC response whose result is kept as plain JSON values. */
    public static final class RawResponse extends Response<Object> {
    }
}
