package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.contracts.TestUsdc;
import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractEIP1559GasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Deploys our contracts to a JSON-RPC node as one deployer account, in a fixed order (so that on a fresh anvil node with
 * the development account 0 the addresses are always the same): TestUsdc, the ProofManager (paying in it), the
 * registration of Fermah and Lagrange as active networks, the funding of the ProofManager with TestUsdc, and the
 * TestVerifier last.
 */
public final class ContractDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(ContractDeployer.class);

    /** The fee cap of every deployment transaction unless twice the latest base fee plus the tip is higher. */
    static final BigInteger MIN_MAX_FEE_PER_GAS = BigInteger.valueOf(10_000_000_000L);
    static final BigInteger PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);
    static final BigInteger GAS_LIMIT = BigInteger.valueOf(8_000_000L);
    private static final int RECEIPT_POLL_MILLIS = 200;
    private static final int RECEIPT_POLL_ATTEMPTS = 150;

    private final Web3j web3j;
    private final Credentials deployer;
    private final long chainId;
    private final ContractEIP1559GasProvider gasProvider;

    /** Reads the node's chain id ({@code eth_chainId}) and latest base fee; fails when the node does not answer. */
    public ContractDeployer(final Web3j web3j, final Credentials deployer) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.deployer = Objects.requireNonNull(deployer, "deployer");
        this.chainId = call("read the chain id", () -> web3j.ethChainId().send().getChainId().longValueExact());
        this.gasProvider = new StaticEIP1559GasProvider(chainId, maxFeePerGas(web3j), PRIORITY_FEE, GAS_LIMIT);
    }

    /** The chain id the node answered with. */
    public long chainId() {
        return chainId;
    }

    /** What {@link #deploy} put on the chain, and the block the ProofManager was created in (its receipt's block). */
    public record Deployed(ContractDeployment contracts, long proofManagerBlock) {
    }

    /** Deploys with the deployer as admin and submitter; see {@link #deploy(String, String, String, String, BigInteger)}. */
    public Deployed deploy(final String fermah, final String lagrange, final BigInteger funding) {
        return deploy(deployer.getAddress(), deployer.getAddress(), fermah, lagrange, funding);
    }

    /**
     * Deploys the contracts: the ProofManager grants {@code admin} the admin role and {@code submitter} the submitter
     * role; {@code fermah} and {@code lagrange} are registered and active; {@code funding} TestUsdc micro-units are minted
     * to the ProofManager (none when zero). When the admin is not the deployer, the deployer registers the networks as
     * the initial admin, then hands the admin role over to {@code admin} and renounces it.
     */
    public Deployed deploy(final String admin, final String submitter, final String fermah, final String lagrange,
            final BigInteger funding) {
        return deploy(admin, List.of(submitter), fermah, lagrange, funding);
    }

    /**
     * As {@link #deploy(String, String, String, String, BigInteger)}, with the submitter role granted to each of
     * {@code submitters} (one per lane of the L1 sender; at least one).
     */
    public Deployed deploy(final String admin, final List<String> submitters, final String fermah, final String lagrange,
            final BigInteger funding) {
        if (submitters.isEmpty()) {
            throw new IllegalArgumentException("at least one submitter is needed");
        }
        final String submitter = submitters.getFirst();
        requireAddress("admin", admin);
        submitters.forEach(address -> requireAddress("submitter", address));
        requireAddress("fermah", fermah);
        requireAddress("lagrange", lagrange);
        if (Objects.requireNonNull(funding, "funding").signum() < 0) {
            throw new IllegalArgumentException("funding must not be negative, was " + funding);
        }
        final long began = System.nanoTime();
        final TransactionManager tx = transactionManager();
        final boolean handOver = !admin.equalsIgnoreCase(deployer.getAddress());
        final TestUsdc usdc = call("deploy TestUsdc", () -> TestUsdc.deploy(web3j, tx, gasProvider).send());
        final ProofManager manager = call("deploy ProofManager", () -> ProofManager.deploy(web3j, tx, gasProvider,
                usdc.getContractAddress(), handOver ? deployer.getAddress() : admin, submitter).send());
        register(manager, LocalChain.FERMAH, fermah);
        register(manager, LocalChain.LAGRANGE, lagrange);
        if (submitters.size() > 1) {
            final byte[] submitterRole = call("read the submitter role", () -> manager.SUBMITTER_ROLE().send());
            for (final String further : submitters.subList(1, submitters.size())) {
                call("grant the submitter role to " + further, () -> manager.grantRole(submitterRole, further).send());
            }
        }
        if (handOver) {
            final byte[] adminRole = call("read the admin role", () -> manager.DEFAULT_ADMIN_ROLE().send());
            call("grant the admin role to " + admin, () -> manager.grantRole(adminRole, admin).send());
            call("renounce the deployer's admin role", () -> manager.renounceRole(adminRole, deployer.getAddress()).send());
        }
        if (funding.signum() > 0) {
            call("fund the ProofManager", () -> usdc.mint(manager.getContractAddress(), funding).send());
        }
        final TestVerifier verifier = call("deploy TestVerifier", () -> TestVerifier.deploy(web3j, tx, gasProvider).send());
        final ContractDeployment deployment = new ContractDeployment(usdc.getContractAddress(), manager.getContractAddress(),
                verifier.getContractAddress());
        final long proofManagerBlock = manager.getTransactionReceipt()
                .orElseThrow(() -> new IllegalStateException("no receipt of the ProofManager's deployment"))
                .getBlockNumber().longValueExact();
        LOG.info("deployed on chain {} by {} in {} ms: ProofManager {} (block {}), TestUsdc {}, TestVerifier {}", chainId,
                deployer.getAddress(), (System.nanoTime() - began) / 1_000_000, deployment.proofManagerAddress(),
                proofManagerBlock, deployment.usdcAddress(), deployment.verifierAddress());
        return new Deployed(deployment, proofManagerBlock);
    }

    /** The preferred proving network of the ProofManager at {@code proofManager}. */
    public ProvingNetwork preferredNetwork(final String proofManager) {
        return ProvingNetwork.fromOnChainValue(call("read the preferred proving network of " + proofManager,
                () -> ProofManager.load(proofManager, web3j, transactionManager(), gasProvider).preferredProvingNetwork().send())
                .intValueExact());
    }

    /**
     * Sets the preferred proving network of the ProofManager at {@code proofManager} ({@code updatePreferredProvingNetwork}),
     * as the deployer, which must hold the admin role.
     */
    public void updatePreferredNetwork(final String proofManager, final ProvingNetwork network) {
        Objects.requireNonNull(network, "network");
        final ProofManager manager = ProofManager.load(proofManager, web3j, transactionManager(), gasProvider);
        call("set the preferred proving network of " + proofManager + " to " + network.wireName() + " as "
                + deployer.getAddress() + ", which needs the admin role",
                () -> manager.updatePreferredProvingNetwork(BigInteger.valueOf(network.ordinal())).send());
    }

    /** Whether the node holds contract code at {@code address} (in the latest block). */
    public static boolean hasCode(final Web3j web3j, final String address) {
        final String code = call("read the code at " + address,
                () -> web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode());
        return code != null && !code.isBlank() && !code.equals("0x");
    }

    private void register(final ProofManager manager, final BigInteger network, final String address) {
        call("register network " + network, () -> manager.updateProvingNetworkAddress(network, address).send());
        call("activate network " + network, () -> manager.updateProvingNetworkStatus(network, LocalChain.ACTIVE).send());
    }

    private TransactionManager transactionManager() {
        return new RawTransactionManager(web3j, deployer, chainId,
                new PollingTransactionReceiptProcessor(web3j, RECEIPT_POLL_MILLIS, RECEIPT_POLL_ATTEMPTS));
    }

    private static BigInteger maxFeePerGas(final Web3j web3j) {
        final String baseFee = call("read the latest block", () -> web3j.ethGetBlockByNumber(
                DefaultBlockParameterName.LATEST, false).send().getBlock().getBaseFeePerGasRaw());
        final BigInteger needed = baseFee == null ? BigInteger.ZERO : Numeric.decodeQuantity(baseFee).shiftLeft(1).add(PRIORITY_FEE);
        return needed.max(MIN_MAX_FEE_PER_GAS);
    }

    private static void requireAddress(final String role, final String address) {
        if (address == null || !WalletUtils.isValidAddress(address)) {
            throw new IllegalArgumentException(role + " must be a 20-byte hex address, was '" + address + "'");
        }
    }

    private static <T> T call(final String what, final Call<T> call) {
        try {
            return call.call();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot " + what + ": " + e.getMessage(), e);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** A call to the node that may fail. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }
}
