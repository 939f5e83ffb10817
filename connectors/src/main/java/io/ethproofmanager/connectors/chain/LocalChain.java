package io.ethproofmanager.connectors.chain;

import io.ethproofmanager.connectors.chain.contracts.ProofManager;
import io.ethproofmanager.connectors.chain.contracts.TestUsdc;
import io.ethproofmanager.connectors.chain.contracts.TestVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * A local L1 for the demo and the tests: an anvil node with TestUsdc and a funded ProofManager deployed, Fermah and
 * Lagrange registered and active, a TestVerifier deployed after them, plus the time and snapshot controls of anvil.
 */
public final class LocalChain implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalChain.class);

    /** Chain id of the local L1, the production manager's default. */
    public static final long DEFAULT_CHAIN_ID = 271;
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
    private static final List<Credentials> DEV_ACCOUNTS = List.of(
            Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
            Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
            Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
            Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"));
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final int RECEIPT_POLL_MILLIS = 200;
    private static final int RECEIPT_POLL_ATTEMPTS = 150;

    private final AnvilProcess anvil;
    private final HttpService rpc;
    private final Web3j web3j;
    private final long chainId;
    private final ContractEIP1559GasProvider gasProvider;
    private final String usdcAddress;
    private final String proofManagerAddress;
    private final String verifierAddress;

    /** Connects to {@code anvil} and deploys the contracts; shuts the client down when a deployment fails. */
    private LocalChain(final AnvilProcess anvil, final long chainId) {
        this.anvil = anvil;
        this.chainId = chainId;
        this.rpc = new HttpService(anvil.rpcUrl());
        this.web3j = Web3j.build(rpc);
        this.gasProvider = new StaticEIP1559GasProvider(chainId,
                BigInteger.valueOf(10_000_000_000L), BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(8_000_000L));
        try {
            final TestUsdc usdc = deployUsdc();
            this.usdcAddress = usdc.getContractAddress();
            this.proofManagerAddress = deployProofManager(usdcAddress);
            send("fund ProofManager", () -> usdc.mint(proofManagerAddress, INITIAL_FUNDING).send());
            this.verifierAddress = deployVerifier();
        } catch (final RuntimeException e) {
            web3j.shutdown();
            throw e;
        }
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
        final LocalChain chain;
        try {
            chain = new LocalChain(anvil, chainId);
        } catch (final RuntimeException e) {
            anvil.close();
            throw e;
        }
        LOG.info("local chain {} ready on {} in {} ms: ProofManager {}, USDC {}, TestVerifier {}", chainId, chain.rpcUrl(),
                (System.nanoTime() - began) / 1_000_000, chain.proofManagerAddress, chain.usdcAddress, chain.verifierAddress);
        return chain;
    }

    private TestUsdc deployUsdc() {
        return send("deploy TestUsdc", () -> TestUsdc.deploy(web3j, transactionManager(admin()), gasProvider).send());
    }

    /** Deploys the ProofManager and registers Fermah and Lagrange as active networks; returns its address. */
    private String deployProofManager(final String usdc) {
        final ProofManager manager = send("deploy ProofManager", () -> ProofManager.deploy(web3j, transactionManager(admin()),
                gasProvider, usdc, admin().getAddress(), submitter().getAddress()).send());
        registerNetwork(manager, FERMAH, fermah());
        registerNetwork(manager, LAGRANGE, lagrange());
        return manager.getContractAddress();
    }

    /** Deploys the TestVerifier, last, so that the addresses of the earlier contracts do not move; returns its address. */
    private String deployVerifier() {
        return send("deploy TestVerifier", () -> TestVerifier.deploy(web3j, transactionManager(admin()), gasProvider).send())
                .getContractAddress();
    }

    private void registerNetwork(final ProofManager manager, final BigInteger network, final Credentials account) {
        send("register network " + network, () -> manager.updateProvingNetworkAddress(network, account.getAddress()).send());
        send("activate network " + network, () -> manager.updateProvingNetworkStatus(network, ACTIVE).send());
    }

    public String rpcUrl() {
        return anvil.rpcUrl();
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

    /** Address of the TestVerifier, which accepts exactly {@code ProofFormat.testVerifierSnark(publicInput)}. */
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

    /** Mines one empty block. */
    public void mine() {
        rpc("evm_mine", List.of());
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
        anvil.close();
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
