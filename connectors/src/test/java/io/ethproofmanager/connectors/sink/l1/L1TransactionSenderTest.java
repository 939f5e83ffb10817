package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The L1 sender against a real anvil chain, PostgreSQL and Kafka broker: one transaction per command, whatever happens. */
class L1TransactionSenderTest extends L1SenderTestBase {

    private static final long ROLLUP = 324;

    L1TransactionSenderTest() {
        super("");
    }

    @Test
    void requestIsMinedOnceAndItsRedeliveryIsAlreadyOnChain() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(7, 4_000_000);
        start(HIGH_CAP);

        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        produce(command);
        final L1TransactionResult again = awaitResults(2).get(1);

        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);
        assertThat(mined.txHash()).startsWith("0x").hasSize(66);
        assertThat(mined.blockNumber()).isPositive();
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(again.txHash()).isEqualTo(mined.txHash());
        assertThat(mined.onChainStatus()).contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(again.onChainStatus()).contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(proofRequest(7).submittedAt).isPositive();
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
        assertThat(states(command.commandId())).containsExactly("mined");
    }

    @Test
    void requestsAssignedToThePreferredNetworkNoneCarryRefusedAtOnce() throws Exception {
        start(HIGH_CAP);
        for (long batch = 11; batch <= 14; batch++) {
            produce(request(batch, 4_000_000));
        }

        final List<L1TransactionResult> sent = awaitResults(4);

        // round robin: counter 0 Fermah, 1 Lagrange, 2 and 3 the preferred network, which starts as None
        assertThat(sent).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(sent).extracting(result -> result.onChainStatus().orElseThrow()).containsExactly(
                OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT, OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT,
                OnChainRequestStatus.REFUSED, OnChainRequestStatus.REFUSED);
        assertThat(proofRequest(13).status).isEqualTo(BigInteger.TWO);
    }

    @Test
    void requestAndValidationResultShareOneNonceSequence() throws Exception {
        final long nonceBefore = nonce();
        start(HIGH_CAP);
        produce(request(8, 4_000_000));
        final L1TransactionResult requested = awaitResults(1).getFirst();
        final ProofManager fermah = chain.proofManager(chain.fermah());
        fermah.acknowledgeProofRequest(id(8), true).send();
        fermah.submitProof(id(8), "proof".getBytes(StandardCharsets.UTF_8), BigInteger.valueOf(3_000_000)).send();

        final SubmitProofValidationResult validation = new SubmitProofValidationResult(
                SubmitProofValidationResult.commandIdFor(new BatchId(ROLLUP, 8)), ROLLUP, 8, true, Instant.now());
        produce(validation);
        final L1TransactionResult validated = awaitResults(2).get(1);

        assertThat(List.of(requested.outcome(), validated.outcome())).containsExactly(Outcome.MINED, Outcome.MINED);
        assertThat(validated.kind()).isEqualTo(L1TransactionResult.Kind.SUBMIT_PROOF_VALIDATION_RESULT);
        assertThat(validated.onChainStatus()).as("only requests carry their status").isEmpty();
        assertThat(List.of(txNonce(requested.txHash()), txNonce(validated.txHash())))
                .containsExactly(nonceBefore, nonceBefore + 1);
        assertThat(proofRequest(8).status).isEqualTo(BigInteger.valueOf(6));
        produce(validation);
        assertThat(awaitResults(3).get(2).outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(nonce()).isEqualTo(nonceBefore + 2);
    }

    @Test
    void killedAfterBroadcastThenRestartedLeavesOneRequestOnChain() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(9, 4_000_000);
        final L1TransactionSender first = start(HIGH_CAP);
        first.crashAt(CrashPoint.AFTER_BROADCAST);
        produce(command);
        await().atMost(WAIT).until(() -> !first.isHealthy());
        assertThat(states(command.commandId())).containsExactly("prepared");
        assertThat(resultsNow()).isEmpty();

        start(HIGH_CAP);
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(result.txHash()).isEqualTo(attempts().of(command.commandId()).getFirst().tx().hash());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
        assertThat(states(command.commandId())).containsExactly("mined");
    }

    @Test
    void killedAfterPersistingThenRestartedBroadcastsThePersistedTransaction() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(10, 4_000_000);
        final L1TransactionSender first = start(HIGH_CAP);
        first.crashAt(CrashPoint.AFTER_PERSIST);
        produce(command);
        await().atMost(WAIT).until(() -> !first.isHealthy());
        final Attempt persisted = attempts().of(command.commandId()).getFirst();
        assertThat(persisted.state()).isEqualTo(AttemptState.PREPARED);
        assertThat(nonce()).isEqualTo(nonceBefore);

        start(HIGH_CAP);
        final L1TransactionResult result = awaitResults(1).getFirst();

        // the lane's new holder broadcasts the persisted bytes when it takes the lane: found mined when the command
        // is reconciled (already on chain), or followed to its receipt (mined); either way the persisted transaction
        assertThat(result.outcome()).isIn(Outcome.MINED, Outcome.ALREADY_ON_CHAIN);
        assertThat(result.txHash()).isEqualTo(persisted.tx().hash());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
        assertThat(states(command.commandId())).containsExactly("mined");
    }

    @Test
    void killedAfterTheReceiptThenRestartedPublishesOnce() throws Exception {
        final SubmitProofRequest command = request(11, 4_000_000);
        final L1TransactionSender first = start(HIGH_CAP);
        first.crashAt(CrashPoint.AFTER_RECEIPT);
        produce(command);
        await().atMost(WAIT).until(() -> !first.isHealthy());
        assertThat(states(command.commandId())).containsExactly("broadcast");

        start(HIGH_CAP);

        assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(states(command.commandId())).containsExactly("mined");
    }

    @Test
    void requestSubmittedByOthersIsAlreadyOnChainAndNothingIsSent() throws Exception {
        chain.proofManager(chain.submitter()).submitProofRequest(id(12), params(4_000_000)).send();
        final long nonceBefore = nonce();
        start(HIGH_CAP);

        produce(request(12, 4_000_000));
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(result.txHash()).isNull();
        assertThat(nonce()).isEqualTo(nonceBefore);
    }

    @Test
    void requestWithoutFundsRevertsWithTheDecodedError() throws Exception {
        chain.proofManager(chain.admin()).withdraw(chain.usdcAddress(), LocalChain.INITIAL_FUNDING).send();
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(13, 4_000_000);
        start(HIGH_CAP);

        produce(command);
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.REVERTED);
        assertThat(result.revertReason()).isEqualTo("NoFundsAvailable()");
        assertThat(proofRequest(13).submittedAt).isZero();
        assertThat(nonce()).isEqualTo(nonceBefore);
        assertThat(attempts().of(command.commandId())).singleElement()
                .satisfies(a -> assertThat(a.revertReason()).contains("NoFundsAvailable()"));
    }

    @Test
    void maxRewardOutOfBoundsIsRefusedByTheContractNotTrustedFromTheCommand() {
        final SubmitProofRequest command = request(14, 6_000_000);
        final CommandProcessor processor = processor(HIGH_CAP);

        final CommandProcessor.Decision decision = processor.process(command);

        assertThat(decision.commit()).isTrue();
        assertThat(decision.publish()).hasValueSatisfying(result -> {
            assertThat(result.outcome()).isEqualTo(Outcome.REVERTED);
            assertThat(result.revertReason()).isEqualTo("MaxRewardOutOfBounds()");
        });
        assertThat(states(command.commandId())).containsExactly("reverted");
    }

    @Test
    void feeAboveTheCapIsHeldThenSentOnceUnderAHigherCap() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(15, 4_000_000);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final L1TransactionSender held = start(settings(BigInteger.ONE), meters);

        produce(command);
        final L1TransactionResult result = awaitResults(1).getFirst();
        await().atMost(WAIT).until(() -> meters.get("epm_l1_sender_submitter_balance").gauge().value() > 0);

        assertThat(result.outcome()).isEqualTo(Outcome.HELD_FEE_CAP);
        assertThat(result.detail()).containsPattern("maxFeePerGas [0-9]+ wei is above the cap of 1 wei");
        assertThat(states(command.commandId())).containsExactly("held_fee_cap");
        assertThat(proofRequest(15).submittedAt).isZero();
        assertThat(meters.get("epm_l1_sender_held_fee_cap").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("epm_l1_sender_attempts_total").tag("kind", "submit_proof_request").tag("outcome", "held_fee_cap")
                .counter().count()).isEqualTo(1.0);
        held.close();
        assertThat(resultsNow()).hasSize(1);

        start(HIGH_CAP);
        final L1TransactionResult sent = awaitResults(2).get(1);

        assertThat(sent.outcome()).isEqualTo(Outcome.MINED);
        assertThat(states(command.commandId())).containsExactly("held_fee_cap", "mined");
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void stuckTransactionIsReplacedWithHigherFeesAndTheSameNonce() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(16, 4_000_000);
        chain.setAutomine(false);
        start(settings(HIGH_CAP, Duration.ofMillis(800), 5));

        produce(command);
        await().atMost(WAIT).until(() -> attempts().of(command.commandId()).size() >= 2);
        chain.mine();
        final L1TransactionResult result = awaitResults(1).getFirst();

        final List<Attempt> all = attempts().of(command.commandId());
        assertThat(result.outcome()).isEqualTo(Outcome.MINED);
        assertThat(all.getLast().state()).isEqualTo(AttemptState.MINED);
        assertThat(result.txHash()).isEqualTo(all.getLast().tx().hash());
        assertThat(all.subList(0, all.size() - 1)).extracting(Attempt::state).containsOnly(AttemptState.REPLACED);
        assertThat(all).extracting(a -> a.tx().nonce()).containsOnly(nonceBefore);
        assertThat(all.get(1).fees().maxFeePerGas()).isGreaterThanOrEqualTo(
                all.get(0).fees().maxFeePerGas().multiply(BigInteger.valueOf(120)).divide(BigInteger.valueOf(100)));
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void unknownOutcomeIsResolvedByReconciliationNotByASecondRequest() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(17, 4_000_000);
        chain.setAutomine(false);
        start(settings(HIGH_CAP, Duration.ofMillis(500), 2));

        produce(command);
        final L1TransactionResult unknown = awaitResults(1).getFirst();
        assertThat(unknown.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(states(command.commandId())).containsExactly("unknown", "unknown");
        chain.mine();
        final L1TransactionResult resolved = awaitResults(2).get(1);
        produce(command);
        final L1TransactionResult redelivered = awaitResults(3).get(2);

        assertThat(resolved.outcome()).isEqualTo(Outcome.MINED);
        assertThat(states(command.commandId())).containsExactly("replaced", "mined");
        assertThat(resolved.txHash()).isEqualTo(attempts().of(command.commandId()).getLast().tx().hash());
        assertThat(redelivered.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(redelivered.txHash()).isEqualTo(resolved.txHash());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void transactionOvertakenByAnotherSubmitterRevertsOnChainAndIsAlreadyOnChain() throws Exception {
        final ProofManager admin = chain.proofManager(chain.admin());
        admin.grantRole(admin.SUBMITTER_ROLE().send(), chain.outsider().getAddress()).send();
        final SubmitProofRequest command = request(18, 4_000_000);
        chain.setAutomine(false);
        start(HIGH_CAP);
        produce(command);
        await().atMost(WAIT).until(() -> states(command.commandId()).equals(List.of("broadcast")));

        final var racing = chain.proofManager(chain.outsider()).submitProofRequest(id(18), params(4_000_000)).sendAsync();
        await().atMost(WAIT).until(() -> pendingNonce(chain.outsider().getAddress()) == 1);
        chain.mine();
        assertThat(racing.get(10, TimeUnit.SECONDS).isStatusOK()).isTrue();
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(result.detail()).contains("reverted with DuplicatedProofRequest(324, 18)");
        assertThat(attempts().of(command.commandId())).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AttemptState.REVERTED);
            assertThat(a.revertReason()).contains("DuplicatedProofRequest(324, 18)");
            assertThat(a.blockNumber()).isPresent();
        });
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private L1SenderSettings settings(final BigInteger cap) {
        return settings(cap, Duration.ofMillis(500));
    }

    private L1SenderSettings settings(final BigInteger cap, final Duration receiptTimeout, final int maxAttempts) {
        return settings(cap, Duration.ofMillis(500), receiptTimeout, maxAttempts);
    }

    private L1TransactionSender start(final BigInteger cap) {
        return start(settings(cap));
    }

    private CommandProcessor processor(final BigInteger cap) {
        final L1SenderSettings settings = settings(cap);
        final L1Node node = new L1Node(chain.web3j());
        final String signer = settings.signerAddress();
        final Lane lane = new Lane(0, settings.submitters().getFirst());
        final LaneLease lease = new LaneLeases(database.dataSource()).take(signer, "sender-test");
        return new CommandProcessor(settings, lane, lease, node, new ProofManagerCalls(reader()), attempts(),
                new NonceKeeper(signer, () -> node.pendingTransactionCount(signer), Optional.empty()), chain.chainId(),
                new SenderMetrics(new SimpleMeterRegistry(), cap), new AtomicReference<>(Optional.empty()),
                new ReceiptWaiter(node, settings.receiptPollInterval(), new CountDownLatch(1)));
    }

    private long txNonce(final String hash) throws Exception {
        return chain.web3j().ethGetTransactionByHash(hash).send().getTransaction().orElseThrow().getNonce().longValueExact();
    }

    private ProofManager reader() {
        return chain.proofManager(chain.outsider());
    }

    private ProofManager.ProofRequest proofRequest(final long batch) throws Exception {
        return reader().proofRequest(id(batch)).send();
    }

    private static SubmitProofRequest request(final long batch, final long maxReward) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, maxReward, Instant.now());
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params(final long maxReward) {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO, "https://blobs.example/direct",
                BigInteger.valueOf(4_800), BigInteger.valueOf(maxReward));
    }

}
