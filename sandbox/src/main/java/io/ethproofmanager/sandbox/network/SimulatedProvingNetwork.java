package io.ethproofmanager.sandbox.network;

import io.ethproofmanager.sandbox.network.NetworkBehaviour.Action;
import io.ethproofmanager.contract.ContractErrors;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestSubmittedEventResponse;
import io.ethproofmanager.contract.ProofManager.ProofValidationResultEventResponse;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A proving network simulated on a (local) chain for demos and tests: polls the proof manager's logs for the requests
 * assigned to its network, handles each as its {@link NetworkBehaviour} draws (accept and prove, refuse, ignore, ...)
 * and claims its rewards from time to time; reverts are logged and the network keeps going.
 */
public final class SimulatedProvingNetwork implements AutoCloseable {

    /** How often the network polls the chain for new logs and due work. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedProvingNetwork.class);
    private static final ContractErrors ERRORS = ContractErrors.declaredBy(ProofManager.class);
    private static final Pattern REVERT_DATA = Pattern.compile("0x[0-9a-fA-F]{8,}");
    private static final int SELECTOR_HEX_CHARS = 10;
    private static final String SUBMITTED_TOPIC = EventEncoder.encode(ProofManager.PROOFREQUESTSUBMITTED_EVENT);
    private static final String VALIDATION_TOPIC = EventEncoder.encode(ProofManager.PROOFVALIDATIONRESULT_EVENT);
    /** Enough for submitProof to store a real proof's ~2 KB of CBOR (about 1.5 M gas) on chain. */
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(5_000_000);
    private static final BigInteger MAX_FEE = BigInteger.valueOf(10_000_000_000L);
    private static final BigInteger PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Web3j web3j;
    private final String contractAddress;
    private final ProvingNetwork network;
    private final NetworkBehaviour behaviour;
    private final long seed;
    private final Clock clock;
    private final Duration pollInterval;
    private final ProofManager contract;
    private final ScheduledExecutorService executor;
    private final Set<BatchId> seen = new HashSet<>();
    private final Map<BatchId, ScheduledProof> scheduledProofs = new LinkedHashMap<>();
    private BigInteger nextBlock;
    private int validatedSinceClaim;
    private final AtomicInteger lateProofs = new AtomicInteger();
    private final AtomicInteger lateProofsRefused = new AtomicInteger();
    private Instant lastClaimCheck;

    /**
     * A network acting as {@code account} (the address registered for {@code network}) on the proof manager at
     * {@code contractAddress}; draws its actions from {@code seed} (the same seed gives the same action per batch) and
     * times its delays with {@code clock}. Nothing runs before {@link #start()}; {@code web3j} stays open on close.
     */
    public SimulatedProvingNetwork(final Web3j web3j, final String contractAddress, final ProvingNetwork network,
            final Credentials account, final NetworkBehaviour behaviour, final long seed, final Clock clock,
            final Duration pollInterval) {
        if (Objects.requireNonNull(network, "network") == ProvingNetwork.NONE) {
            throw new IllegalArgumentException("a simulated proving network cannot be network none");
        }
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.contractAddress = Objects.requireNonNull(contractAddress, "contractAddress");
        this.network = network;
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        this.seed = seed;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.contract = load(web3j, contractAddress, Objects.requireNonNull(account, "account"));
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "epm-sim-" + network.wireName()));
    }

    /** Starts both local networks, Fermah and Lagrange, with their development keys and the behaviour {@code mix}. */
    public static SimulatedNetworks startBoth(final LocalChain chain, final String mix, final long seed) {
        final NetworkBehaviour behaviour = NetworkBehaviour.parse(mix);
        final SimulatedProvingNetwork fermah = onLocalChain(chain, ProvingNetwork.FERMAH, behaviour, seed).start();
        try {
            return new SimulatedNetworks(fermah, onLocalChain(chain, ProvingNetwork.LAGRANGE, behaviour, seed).start());
        } catch (final RuntimeException e) {
            fermah.close();
            throw e;
        }
    }

    private static SimulatedProvingNetwork onLocalChain(final LocalChain chain, final ProvingNetwork network,
            final NetworkBehaviour behaviour, final long seed) {
        return new SimulatedProvingNetwork(chain.web3j(), chain.proofManagerAddress(), network,
                LocalChain.networkAccount(network), behaviour, seed, Clock.systemUTC(), DEFAULT_POLL_INTERVAL);
    }

    /** Starts polling from the chain's current head block (requests submitted in it included); returns this network. */
    public SimulatedProvingNetwork start() {
        if (nextBlock != null) {
            throw new IllegalStateException(name() + " is already started");
        }
        nextBlock = call("read the head block", () -> web3j.ethBlockNumber().send().getBlockNumber());
        lastClaimCheck = clock.instant();
        executor.scheduleWithFixedDelay(this::tick, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("{}: simulated network started at block {} with behaviour {} and seed {}", name(), nextBlock, behaviour, seed);
        return this;
    }

    public ProvingNetwork network() {
        return network;
    }

    public NetworkBehaviour behaviour() {
        return behaviour;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (final InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("{}: simulated network stopped", name());
    }

    private void tick() {
        try {
            pollLogs();
            proveDueRequests();
            claimWhenDue();
        } catch (final RuntimeException e) {
            LOG.warn("{}: poll failed, retrying in {} ms: {}", name(), pollInterval.toMillis(), e.toString());
        }
    }

    private void pollLogs() {
        final BigInteger head = call("read the head block", () -> web3j.ethBlockNumber().send().getBlockNumber());
        if (head.compareTo(nextBlock) < 0) {
            return;
        }
        final EthLog logs = call("read logs", () -> web3j.ethGetLogs(filter(nextBlock, head)).send());
        if (logs.hasError()) {
            throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
        }
        for (final EthLog.LogResult<?> result : logs.getLogs()) {
            onLog((Log) result.get());
        }
        nextBlock = head.add(BigInteger.ONE);
    }

    /** Submitted requests and validation results whose third topic (assignedTo) is this network. */
    private EthFilter filter(final BigInteger from, final BigInteger to) {
        final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(from), DefaultBlockParameter.valueOf(to),
                contractAddress);
        filter.addOptionalTopics(SUBMITTED_TOPIC, VALIDATION_TOPIC);
        filter.addNullTopic();
        filter.addNullTopic();
        filter.addSingleTopic("0x" + TypeEncoder.encode(new Uint256(network.ordinal())));
        return filter;
    }

    private void onLog(final Log log) {
        final String topic = log.getTopics().getFirst();
        if (SUBMITTED_TOPIC.equals(topic)) {
            onRequest(ProofManager.getProofRequestSubmittedEventFromLog(log));
        } else if (VALIDATION_TOPIC.equals(topic)) {
            onValidation(ProofManager.getProofValidationResultEventFromLog(log));
        }
    }

    private void onRequest(final ProofRequestSubmittedEventResponse event) {
        final BatchId batch = new BatchId(event.chainId.longValueExact(), event.blockNumber.longValueExact());
        if (!seen.add(batch)) {
            return;
        }
        final Action action = behaviour.decide(seed, batch);
        LOG.info("{}: request {} (v{}.{}.{}, max reward {}) assigned, will {}", name(), batch, event.protocolMajor,
                event.protocolMinor, event.protocolPatch, event.maxReward, action);
        if (action == Action.IGNORE) {
            return;
        }
        final boolean acknowledged = acknowledge(batch, action.accepts());
        if (acknowledged && action.submitsProof()) {
            scheduledProofs.put(batch, new ScheduledProof(event, action, clock.instant().plus(behaviour.provingDelay()), 0));
        } else if (acknowledged && action.submitsLateProof()) {
            final ProofManager.ProofRequest request = call("read request " + batch,
                    () -> contract.proofRequest(identifier(batch)).send());
            final long deadline = request.submittedAt.add(request.timeoutAfter).longValueExact();
            scheduledProofs.put(batch, new ScheduledProof(event, action, clock.instant().plus(behaviour.provingDelay()), deadline));
            LOG.info("{}: request {} accepted, its proof will come after its deadline (chain time {})", name(), batch, deadline);
        } else if (action.accepts()) {
            LOG.info("{}: request {} accepted, no proof will come before its deadline ({})", name(), batch, action);
        }
    }

    private boolean acknowledge(final BatchId batch, final boolean accept) {
        final String what = (accept ? "accept" : "refuse") + " request " + batch;
        return transact(what, () -> contract.acknowledgeProofRequest(identifier(batch), accept).send());
    }

    private void proveDueRequests() {
        final Instant now = clock.instant();
        final long chainTime = scheduledProofs.values().stream().anyMatch(p -> p.afterChainTime() > 0)
                ? call("read the chain's time", () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                        .getBlock().getTimestamp().longValueExact())
                : 0;
        final Iterator<Map.Entry<BatchId, ScheduledProof>> due = scheduledProofs.entrySet().iterator();
        while (due.hasNext()) {
            final Map.Entry<BatchId, ScheduledProof> entry = due.next();
            if (!entry.getValue().dueAt().isAfter(now)
                    && (entry.getValue().afterChainTime() == 0 || chainTime > entry.getValue().afterChainTime())) {
                due.remove();
                prove(entry.getKey(), entry.getValue());
            }
        }
    }

    private void prove(final BatchId batch, final ScheduledProof scheduled) {
        final byte[] proof = proof(batch, scheduled.event(), scheduled.action());
        final BigInteger price = scheduled.event().maxReward.multiply(BigInteger.valueOf(3)).divide(BigInteger.valueOf(4));
        final String what = "submit the proof of request " + batch + " (" + scheduled.action() + ", " + proof.length
                + " bytes, price " + price + ")";
        final boolean mined = transact(what, () -> contract.submitProof(identifier(batch), proof, price).send());
        if (scheduled.action().submitsLateProof()) {
            lateProofs.incrementAndGet();
            if (!mined) {
                lateProofsRefused.incrementAndGet();
            }
        }
    }

    /** Proofs submitted after their request's deadline (behaviour {@code late}). */
    public int lateProofs() {
        return lateProofs.get();
    }

    /** Late proofs the contract refused (the transaction reverted or could not be sent); all of them, when the contract is right. */
    public int lateProofsRefused() {
        return lateProofsRefused.get();
    }

    /**
     * The proof {@code action} calls for, as the CBOR of an Fflonk {@code L1BatchProofForL1} of the batch's public input
     * (from the demo's commitments): one the local TestVerifier accepts, one with an evaluation changed (it returns
     * false), or a valid one for another protocol version.
     */
    static byte[] proof(final BatchId batch, final ProofRequestSubmittedEventResponse event, final Action action) {
        final ProtocolVersion version = new ProtocolVersion(event.protocolMajor.intValueExact(),
                event.protocolMinor.intValueExact(), event.protocolPatch.intValueExact());
        final var publicInput = TestVerifierProofs.demoPublicInput(batch);
        return switch (action) {
            case ACCEPT_AND_PROVE_VALID, ACCEPT_AND_PROVE_LATE -> L1BatchProofCodec.encode(TestVerifierProofs.valid(version, publicInput, batch.batchNumber()));
            case ACCEPT_AND_PROVE_INVALID -> L1BatchProofCodec.encode(TestVerifierProofs.withChangedEvaluation(
                    TestVerifierProofs.valid(version, publicInput, batch.batchNumber())));
            case ACCEPT_AND_PROVE_WRONG_VERSION -> L1BatchProofCodec.encode(TestVerifierProofs.valid(
                    new ProtocolVersion(version.major(), version.minor() + 1, version.patch()), publicInput, batch.batchNumber()));
            default -> throw new IllegalArgumentException(action + " submits no proof");
        };
    }

    private void onValidation(final ProofValidationResultEventResponse event) {
        final BatchId batch = new BatchId(event.chainId.longValueExact(), event.blockNumber.longValueExact());
        LOG.info("{}: proof of request {} validated as {}", name(), batch, event.isProofValid ? "valid" : "invalid");
        if (event.isProofValid) {
            validatedSinceClaim++;
        }
    }

    /** Claims after {@code claimEvery} validated proofs or once per {@code claimInterval}, when a reward is owed. */
    private void claimWhenDue() {
        final Instant now = clock.instant();
        if (validatedSinceClaim < behaviour.claimEvery() && now.isBefore(lastClaimCheck.plus(behaviour.claimInterval()))) {
            return;
        }
        final BigInteger owed = call("read the owed reward",
                () -> contract.provingNetworkInfo(BigInteger.valueOf(network.ordinal())).send().owedReward);
        lastClaimCheck = now;
        validatedSinceClaim = 0;
        if (owed.signum() > 0) {
            transact("claim a reward of " + owed, () -> contract.claimReward().send());
        }
    }

    /** Sends a transaction; a revert or a failed send is logged and reported as false. */
    private boolean transact(final String what, final Callable<TransactionReceipt> send) {
        try {
            final TransactionReceipt receipt = send.call();
            LOG.info("{}: {} in tx {} (block {})", name(), what, receipt.getTransactionHash(), receipt.getBlockNumber());
            return true;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: interrupted before {} was confirmed", name(), what);
            return false;
        } catch (final Exception e) {
            LOG.warn("{}: could not {}: {}", name(), what, describe(e));
            return false;
        }
    }

    /** The decoded custom error of a revert when its data is in the message, else the message. */
    static String describe(final Exception e) {
        final String message = String.valueOf(e.getMessage());
        final Matcher data = REVERT_DATA.matcher(message);
        while (data.find()) {
            final var decoded = ERRORS.decode(data.group());
            if (decoded.isPresent()) {
                final boolean withArguments = data.group().length() > SELECTOR_HEX_CHARS;
                return "reverted with " + (withArguments ? decoded.get().toString() : decoded.get().name())
                        + " (" + message + ")";
            }
        }
        return message;
    }

    private static <T> T call(final String what, final Callable<T> call) {
        try {
            return call.call();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot " + what, e);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("cannot " + what, e);
        }
    }

    private static ProofManager load(final Web3j web3j, final String contractAddress, final Credentials account) {
        final long chainId = call("read the chain id", () -> web3j.ethChainId().send().getChainId().longValueExact());
        return ProofManager.load(contractAddress, web3j,
                new RawTransactionManager(web3j, account, chainId, new PollingTransactionReceiptProcessor(web3j, 200, 150)),
                new StaticEIP1559GasProvider(chainId, MAX_FEE, PRIORITY_FEE, GAS_LIMIT));
    }

    private static ProofRequestIdentifier identifier(final BatchId batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()), BigInteger.valueOf(batch.batchNumber()));
    }

    private String name() {
        return network.wireName();
    }

    /** An accepted request whose proof is due at {@code dueAt}, and once the chain's time is past {@code afterChainTime} (0: any). */
    private record ScheduledProof(ProofRequestSubmittedEventResponse event, Action action, Instant dueAt, long afterChainTime) {
    }
}
