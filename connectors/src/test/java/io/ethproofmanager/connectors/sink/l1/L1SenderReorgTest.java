package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The sender's own transactions reorganised out of the chain on a real anvil ({@code anvil_reorg}, which does not put
 * them back in the pool unless given them): detected with or without confirmations, reported {@code reorged_out}, sent
 * again from their persisted bytes, and the lane goes on; put back by the reorg, they are not sent again.
 */
class L1SenderReorgTest extends L1SenderTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(L1SenderReorgTest.class);
    private static final long ROLLUP = 324;
    private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(2);

    L1SenderReorgTest() {
        super("reorg");
    }

    @Test
    void aMinedRequestReorganisedOutBeforeItsConfirmationsIsSentAgainAndEndsOnChainOnce() throws Exception {
        final long nonceBefore = nonce();
        start(L1SenderSettings.from(TestSettings.with(Map.of(
                "epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(),
                "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                "epm.l1.sender-confirmations", 3,
                "epm.l1.held-retry-backoff", "300ms")), bootstrap(), group).withTopics(commands, results));
        final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, 31)),
                ROLLUP, 31, "https://blobs.example/31", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);

        chain.reorg(1);
        assertThat(chain.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt()).isEmpty();
        final List<L1TransactionResult> results = awaitResults(2);
        awaitResults(3);
        for (int block = 0; block < 4; block++) {
            chain.mine();
        }

        assertThat(results.get(1).outcome()).isEqualTo(Outcome.REORGED_OUT);
        assertThat(results.get(1).txHash()).isEqualTo(mined.txHash());
        assertThat(results.get(1).blockNumber()).isEqualTo(mined.blockNumber());
        final L1TransactionResult again = awaitResults(3).get(2);
        assertThat(again.outcome()).isEqualTo(Outcome.MINED);
        assertThat(again.txHash()).as("its persisted transaction, broadcast again").isEqualTo(mined.txHash());
        assertThat(chain.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt()).isPresent();
        assertThat(chain.proofManager(chain.outsider()).requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
        await().atMost(WAIT).until(() -> states(command.commandId()).equals(List.of("mined")));
    }

    /**
     * Batch 41's request mined, then proven by its network; batch 42's request and 41's validation result mined in the
     * last two blocks, which a reorg replaces with empty ones for good. A later command (43) is sent at once.
     */
    @ParameterizedTest(name = "sender confirmations {0}")
    @ValueSource(ints = {0, 2})
    void minedRequestAndValidationResultReorganisedOutForGoodAreReportedSentAgainAndTheLaneGoesOn(final int confirmations)
            throws Exception {
        preferFermah();
        final long nonceBefore = nonce();
        start(settings(confirmations));
        final List<L1TransactionResult> before = minedRequestThenRequestAndValidation(41, 42);
        final L1TransactionResult request = before.get(1);
        final L1TransactionResult validation = before.get(2);

        final long reorgAt = System.nanoTime();
        chain.reorg(2);
        assertThat(chain.web3j().ethGetTransactionReceipt(request.txHash()).send().getTransactionReceipt()).isEmpty();
        assertThat(chain.web3j().ethGetTransactionReceipt(validation.txHash()).send().getTransactionReceipt()).isEmpty();
        produce(request(43));

        final AtomicReference<Long> resumedAt = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            final List<L1TransactionResult> now = resultsNow();
            if (resumedAt.get() == null && now.stream().anyMatch(r -> r.commandId().equals(request(43).commandId())
                    && r.outcome() == Outcome.MINED)) {
                resumedAt.set(System.nanoTime());
            }
            return outcomes(now, request(42)).size() == 3 && outcomes(now, validation(41)).size() == 3
                    && resumedAt.get() != null;
        });
        LOG.info("confirmations {}: the lane resumed {} ms after the reorg (a command sent after it mined)", confirmations,
                Duration.ofNanos(resumedAt.get() - reorgAt).toMillis());
        for (int block = 0; block < 3; block++) {
            chain.mine();
        }
        final List<L1TransactionResult> after = resultsNow();

        assertThat(outcomes(after, request(42))).containsExactly(Outcome.MINED, Outcome.REORGED_OUT, Outcome.MINED);
        assertThat(outcomes(after, validation(41))).containsExactly(Outcome.MINED, Outcome.REORGED_OUT, Outcome.MINED);
        assertThat(outcomes(after, request(43))).containsExactly(Outcome.MINED);
        final L1TransactionResult reorgedRequest = of(after, request(42)).get(1);
        assertThat(reorgedRequest.txHash()).isEqualTo(request.txHash());
        assertThat(reorgedRequest.blockNumber()).isEqualTo(request.blockNumber());
        assertThat(of(after, request(42)).get(2).txHash()).as("its persisted bytes, broadcast again").isEqualTo(request.txHash());
        assertThat(of(after, validation(41)).get(2).txHash()).isEqualTo(validation.txHash());
        assertThat(chain.web3j().ethGetTransactionReceipt(request.txHash()).send().getTransactionReceipt()).isPresent();
        assertThat(chain.web3j().ethGetTransactionReceipt(validation.txHash()).send().getTransactionReceipt()).isPresent();
        assertThat(reader().requestCounter().send()).as("one request per batch").isEqualTo(BigInteger.valueOf(3));
        assertThat(reader().proofRequest(id(41)).send().status).as("validated").isEqualTo(BigInteger.valueOf(6));
        assertThat(nonce()).isEqualTo(nonceBefore + 4);
        await().atMost(WAIT).until(() -> states(request(42).commandId()).equals(List.of("mined"))
                && states(validation(41).commandId()).equals(List.of("mined")));
    }

    /** The same, but the reorg puts both transactions back (same hashes, in its new blocks): nothing is sent again. */
    @ParameterizedTest(name = "sender confirmations {0}")
    @ValueSource(ints = {0, 2})
    void minedRequestAndValidationResultPutBackByTheReorgAreNotSentAgain(final int confirmations) throws Exception {
        preferFermah();
        final long nonceBefore = nonce();
        start(settings(confirmations));
        final List<L1TransactionResult> before = minedRequestThenRequestAndValidation(51, 52);
        final L1TransactionResult request = before.get(1);
        final L1TransactionResult validation = before.get(2);
        final String requestBlockHash = blockHash(request.txHash());

        reorgPuttingBack(2, List.of(raw(request(52)), raw(validation(51))));
        assertThat(blockHash(request.txHash())).as("re-included in another block").isNotEqualTo(requestBlockHash);
        assertThat(chain.web3j().ethGetTransactionReceipt(validation.txHash()).send().getTransactionReceipt()).isPresent();
        produce(request(53));
        awaitResults(4);
        for (int block = 0; block < 3; block++) {
            chain.mine();
        }

        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> resultsNow().size() == 4);
        assertThat(resultsNow()).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.valueOf(3));
        assertThat(reader().proofRequest(id(51)).send().status).isEqualTo(BigInteger.valueOf(6));
        assertThat(nonce()).as("no second transaction").isEqualTo(nonceBefore + 4);
        assertThat(states(request(52).commandId())).containsExactly("mined");
        assertThat(states(validation(51).commandId())).containsExactly("mined");
    }

    /**
     * A transaction of the submitter account that the lane did not send (mined at the nonce the lane was about to take,
     * so the lane moved past it) is reorganised out for good with the lane's next request: no persisted attempt can fill
     * its nonce, so the lane follows the node (its next transaction takes that nonce) and does not stall.
     */
    @Test
    void aForeignTransactionOfTheAccountReorganisedOutLeavesAGapTheLaneFillsItself() throws Exception {
        start(settings(0));
        produce(request(61));
        awaitResults(1);
        final long foreignNonce = nonce();
        final RawTransaction foreign = RawTransaction.createTransaction(chain.chainId(), BigInteger.valueOf(foreignNonce),
                BigInteger.valueOf(21_000), chain.outsider().getAddress(), BigInteger.ONE, "",
                BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(50_000_000_000L));
        final String foreignHash = chain.web3j().ethSendRawTransaction(Numeric.toHexString(
                TransactionEncoder.signMessage(foreign, LocalChain.submitterAccount()))).send().getTransactionHash();
        await().atMost(WAIT).until(() -> chain.web3j().ethGetTransactionReceipt(foreignHash).send().getTransactionReceipt().isPresent());
        produce(request(62));
        final L1TransactionResult mined = awaitResults(2).get(1);
        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);
        assertThat(attempts().of(request(62).commandId()).getFirst().revertReason()).as("the lane moved past the foreign nonce")
                .hasValueSatisfying(reason -> assertThat(reason).contains("nonce " + foreignNonce));

        final long reorgAt = System.nanoTime();
        chain.reorg(2);
        assertThat(chain.web3j().ethGetTransactionReceipt(foreignHash).send().getTransactionReceipt()).isEmpty();
        assertThat(chain.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt()).isEmpty();
        produce(request(63));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> outcomes(resultsNow(), request(63)).contains(Outcome.MINED)
                && outcomes(resultsNow(), request(62)).size() == 3);
        LOG.info("foreign transaction reorged out: the lane resumed {} ms after the reorg (a command sent after it mined)",
                Duration.ofNanos(System.nanoTime() - reorgAt).toMillis());
        produce(request(64));
        await().atMost(WAIT).until(() -> outcomes(resultsNow(), request(64)).contains(Outcome.MINED));
        final List<L1TransactionResult> after = resultsNow();

        assertThat(outcomes(after, request(62))).containsExactly(Outcome.MINED, Outcome.REORGED_OUT, Outcome.MINED);
        assertThat(of(after, request(62)).get(2).txHash()).isEqualTo(mined.txHash());
        assertThat(outcomes(after, request(63))).containsExactly(Outcome.MINED);
        final String tx63 = of(after, request(63)).getFirst().txHash();
        assertThat(chain.web3j().ethGetTransactionByHash(tx63).send().getTransaction().orElseThrow().getNonce())
                .as("the foreign transaction's nonce, free again").isEqualTo(BigInteger.valueOf(foreignNonce));
        assertThat(reader().requestCounter().send()).as("one request per batch").isEqualTo(BigInteger.valueOf(4));
    }

    /**
     * A reorg while the sender is stopped removes its last mined request for good: the node's count is then below it, and
     * the lane's nonces start there. Taking the lane finds it first: reported, sent again at its nonce, and the next
     * command takes the nonce after it.
     */
    @Test
    void aMinedRequestReorganisedOutWhileTheSenderWasStoppedIsFoundWhenTheLaneIsTaken() throws Exception {
        final long nonceBefore = nonce();
        final L1TransactionSender first = start(settings(0));
        produce(request(71));
        final L1TransactionResult mined = awaitResults(1).getFirst();
        first.close();

        chain.reorg(1);
        assertThat(nonce()).as("the node's count went back").isEqualTo(nonceBefore);
        start(settings(0));
        produce(request(72));
        await().atMost(WAIT).until(() -> outcomes(resultsNow(), request(71)).size() == 3
                && outcomes(resultsNow(), request(72)).contains(Outcome.MINED));
        final List<L1TransactionResult> after = resultsNow();

        assertThat(outcomes(after, request(71))).containsExactly(Outcome.MINED, Outcome.REORGED_OUT, Outcome.MINED);
        assertThat(of(after, request(71)).get(2).txHash()).isEqualTo(mined.txHash());
        assertThat(outcomes(after, request(72))).containsExactly(Outcome.MINED);
        assertThat(chain.web3j().ethGetTransactionByHash(of(after, request(72)).getFirst().txHash()).send().getTransaction()
                .orElseThrow().getNonce()).isEqualTo(BigInteger.valueOf(nonceBefore + 1));
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.TWO);
        assertThat(nonce()).isEqualTo(nonceBefore + 2);
    }

    /** Requests {@code proven} (then proven by its network) and {@code requested}, then the validation of {@code proven}. */
    private List<L1TransactionResult> minedRequestThenRequestAndValidation(final long proven, final long requested)
            throws Exception {
        produce(request(proven));
        awaitResults(1);
        final boolean toFermah = reader().proofRequest(id(proven)).send().assignedTo.equals(LocalChain.FERMAH);
        final ProofManager network = chain.proofManager(toFermah ? chain.fermah() : chain.lagrange());
        network.acknowledgeProofRequest(id(proven), true).send();
        network.submitProof(id(proven), "proof".getBytes(StandardCharsets.UTF_8), BigInteger.valueOf(3_000_000)).send();
        produce(request(requested));
        awaitResults(2);
        produce(validation(proven));
        final List<L1TransactionResult> results = awaitResults(3);
        assertThat(results).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        final long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        assertThat(List.of(results.get(1).blockNumber(), results.get(2).blockNumber())).as("the last two blocks")
                .containsExactly(head - 1, head);
        return results;
    }

    /** Every request assigned to a network (none refused), so that it can be proven and validated. */
    private static void preferFermah() throws Exception {
        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
    }

    /** {@code anvil_reorg} of {@code depth} blocks whose new blocks hold {@code raws} (one a block, in order). */
    private static void reorgPuttingBack(final int depth, final List<String> raws) throws Exception {
        final List<List<Object>> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < raws.size(); i++) {
            pairs.add(List.of(raws.get(i), i));
        }
        final LocalChain.RawResponse response = new Request<>("anvil_reorg", List.of(depth, pairs), new HttpService(chain.rpcUrl()),
                LocalChain.RawResponse.class).send();
        assertThat(response.hasError()).as("anvil_reorg: %s", response.getError() == null ? "" : response.getError().getMessage())
                .isFalse();
    }

    private String raw(final L1Command command) {
        return Numeric.toHexString(attempts().of(command.commandId()).getLast().tx().raw());
    }

    private static String blockHash(final String txHash) throws Exception {
        return chain.web3j().ethGetTransactionReceipt(txHash).send().getTransactionReceipt().orElseThrow().getBlockHash();
    }

    private L1SenderSettings settings(final int confirmations) {
        return L1SenderSettings.from(TestSettings.with(Map.of(
                "epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(),
                "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                "epm.l1.sender-confirmations", confirmations,
                "epm.l1.receipt-timeout", RECEIPT_TIMEOUT.toMillis() + "ms",
                "epm.l1.max-attempts", 10,
                "epm.l1.held-retry-backoff", "300ms")), bootstrap(), group).withTopics(commands, results);
    }

    private static List<Outcome> outcomes(final List<L1TransactionResult> results, final L1Command command) {
        return of(results, command).stream().map(L1TransactionResult::outcome).toList();
    }

    private static List<L1TransactionResult> of(final List<L1TransactionResult> results, final L1Command command) {
        return results.stream().filter(result -> result.commandId().equals(command.commandId())).toList();
    }

    private static ProofManager reader() {
        return chain.proofManager(chain.outsider());
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch));
    }

    private static SubmitProofRequest request(final long batch) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.parse("2026-11-30T10:00:00Z"));
    }

    private static SubmitProofValidationResult validation(final long batch) {
        return new SubmitProofValidationResult(SubmitProofValidationResult.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                true, Instant.parse("2026-11-30T10:00:00Z"));
    }
}
