package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The L1 sender's pick-up deadline ({@code notPickedUpBy}) against a real anvil chain, PostgreSQL and Kafka broker: a
 * request is expired only when chain time passed its deadline and none of its transactions may still mine, the expiry is
 * final, and a request on chain or signed is never expired.
 */
class L1SenderPickUpDeadlineTest extends L1SenderTestBase {

    private static final long ROLLUP = 325;
    private static final Duration BACKOFF = Duration.ofMillis(300);

    L1SenderPickUpDeadlineTest() {
        super("deadline");
    }

    @Test
    void requestPastItsDeadlineIsExpiredUnsentAndItsRedeliveryStaysExpired() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(1, head().minusSeconds(1));
        start(HIGH_CAP);

        produce(command);
        final L1TransactionResult expired = awaitResults(1).getFirst();
        produce(command);
        final L1TransactionResult again = awaitResults(2).get(1);

        for (final L1TransactionResult result : List.of(expired, again)) {
            assertThat(result.outcome()).isEqualTo(Outcome.EXPIRED);
            assertThat(result.kind()).isEqualTo(L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST);
            assertThat(result.txHash()).isNull();
            assertThat(result.detail()).contains("past its deadline " + command.notPickedUpBy());
        }
        assertThat(again.detail()).isEqualTo(expired.detail());
        assertThat(states(command.commandId())).as("exactly one expired row").containsExactly("expired");
        assertThat(attempts().of(command.commandId()).getFirst().revertReason()).contains(expired.detail());
        assertThat(nonce()).as("nothing sent").isEqualTo(nonceBefore);
        assertThat(proofRequest(1).submittedAt).isZero();
    }

    @Test
    void requestSentBeforeItsDeadlineIsAlreadyOnChainAfterItNeverExpired() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(2, head().plusSeconds(600));
        start(HIGH_CAP);

        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        passDeadline(command);
        produce(command);
        final L1TransactionResult again = awaitResults(2).get(1);

        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);
        assertThat(again.outcome()).as("a request on chain is never expired").isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(again.txHash()).isEqualTo(mined.txHash());
        assertThat(states(command.commandId())).containsExactly("mined");
        assertThat(proofRequest(2).submittedAt).isPositive();
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void requestPersistedButNeverBroadcastWhenItsDeadlinePassesIsBroadcastNotExpired() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(3, head().plusSeconds(600));
        final L1TransactionSender first = start(settings(HIGH_CAP));
        first.crashAt(CrashPoint.AFTER_PERSIST);
        produce(command);
        await().atMost(WAIT).until(() -> !first.isHealthy());
        final Attempt persisted = attempts().of(command.commandId()).getFirst();
        assertThat(persisted.state()).isEqualTo(AttemptState.PREPARED);
        assertThat(nonce()).isEqualTo(nonceBefore);

        passDeadline(command);
        start(HIGH_CAP);
        final L1TransactionResult result = awaitResults(1).getFirst();

        // the lane's new holder broadcasts the persisted bytes when it takes the lane: found mined when the command
        // is reconciled (already on chain), or followed to its receipt (mined); either way the persisted transaction
        assertThat(result.outcome()).as("a signed request is resolved, never expired").isIn(Outcome.MINED, Outcome.ALREADY_ON_CHAIN);
        assertThat(result.txHash()).isEqualTo(persisted.tx().hash());
        assertThat(states(command.commandId())).containsExactly("mined");
        assertThat(proofRequest(3).submittedAt).isPositive();
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void requestBroadcastBeforeACrashWhoseDeadlinePassesIsResolvedAsOnChainNotExpired() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(4, head().plusSeconds(600));
        final L1TransactionSender first = start(settings(HIGH_CAP));
        first.crashAt(CrashPoint.AFTER_BROADCAST);
        produce(command);
        await().atMost(WAIT).until(() -> !first.isHealthy());
        assertThat(states(command.commandId())).containsExactly("prepared");

        passDeadline(command);
        start(HIGH_CAP);
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_ON_CHAIN);
        assertThat(result.txHash()).isEqualTo(attempts().of(command.commandId()).getFirst().tx().hash());
        assertThat(states(command.commandId())).containsExactly("mined");
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void requestHeldByTheFeeCapPastItsDeadlineExpiresUnsentForGood() throws Exception {
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(5, head().plusSeconds(600));
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final L1TransactionSender held = start(settings(BigInteger.ONE), meters);

        produce(command);
        assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(Outcome.HELD_FEE_CAP);
        assertThat(heldGauge(meters)).isEqualTo(1.0);
        passDeadline(command);
        final L1TransactionResult expired = awaitResults(2).get(1);

        assertThat(expired.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(expired.detail()).contains("past its deadline").doesNotContain("refused");
        assertThat(heldGauge(meters)).isZero();
        assertThat(states(command.commandId())).containsExactly("held_fee_cap", "expired");
        held.close();

        start(HIGH_CAP);
        produce(command);
        final List<L1TransactionResult> all = awaitResults(3);

        assertThat(all.get(2).outcome()).as("under a cap it fits now, still expired").isEqualTo(Outcome.EXPIRED);
        assertThat(states(command.commandId())).containsExactly("held_fee_cap", "expired");
        assertThat(nonce()).isEqualTo(nonceBefore);
        assertThat(proofRequest(5).submittedAt).isZero();
    }

    @Test
    void requestRefusedAtEstimationIsRetriedUntilTheContractAcceptsIt() throws Exception {
        unfund();
        // the funds come back from another account: one of the sender's own would race it for its nonce
        chain.usdc(chain.admin()).mint(chain.outsider().getAddress(), LocalChain.INITIAL_FUNDING).send();
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(6, head().plusSeconds(600));
        start(HIGH_CAP);

        produce(command);
        final L1TransactionResult refused = awaitResults(1).getFirst();
        assertThat(refused.outcome()).isEqualTo(Outcome.REVERTED);
        assertThat(refused.revertReason()).isEqualTo("NoFundsAvailable()");
        // several held-retry rounds of the same refusal publish nothing more and add no row
        await().during(BACKOFF.multipliedBy(4)).atMost(BACKOFF.multipliedBy(8))
                .until(() -> resultsNow().size() == 1 && states(command.commandId()).equals(List.of("reverted")));
        final long nonceWhileRefused = nonce();

        refund();
        final L1TransactionResult mined = awaitResults(2).get(1);

        assertThat(nonceWhileRefused).as("nothing sent while refused").isEqualTo(nonceBefore);
        assertThat(mined.outcome()).isEqualTo(Outcome.MINED);
        assertThat(states(command.commandId())).containsExactly("reverted", "mined");
        assertThat(proofRequest(6).submittedAt).isPositive();
        assertThat(nonce()).isEqualTo(nonceBefore + 1);
    }

    @Test
    void requestRefusedAtEstimationUntilItsDeadlineExpiresNamingTheLastRefusal() throws Exception {
        unfund();
        final long nonceBefore = nonce();
        final SubmitProofRequest command = request(7, head().plusSeconds(600));
        start(HIGH_CAP);

        produce(command);
        assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(Outcome.REVERTED);
        passDeadline(command);
        final L1TransactionResult expired = awaitResults(2).get(1);

        assertThat(expired.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(expired.detail()).contains("past its deadline").contains("last refused it with NoFundsAvailable()");
        assertThat(states(command.commandId())).containsExactly("reverted", "expired");
        assertThat(nonce()).isEqualTo(nonceBefore);
        assertThat(proofRequest(7).submittedAt).isZero();
        produce(command);
        assertThat(awaitResults(3).get(2).outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(states(command.commandId())).containsExactly("reverted", "expired");
    }

    /**
     * A request given up as unknown is not committed: when its nonce is then taken by another transaction, the command
     * comes again and, its deadline still ahead, is sent again; it never stays neither sent nor expired.
     */
    @Test
    void requestGivenUpAsUnknownWhoseNonceIsTakenIsSentAgainBeforeItsDeadline() throws Exception {
        final SubmitProofRequest command = request(8, head().plusSeconds(600));
        chain.setAutomine(false);
        start(settings(HIGH_CAP, Duration.ofMillis(500), 2));
        produce(command);
        assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(Outcome.UNKNOWN);

        // another transaction of the signer takes the nonce (replace-by-fee), then a block mines it
        final Attempt stuck = attempts().of(command.commandId()).getLast();
        final Fees higher = new Fees(stuck.fees().maxFeePerGas().multiply(BigInteger.TEN),
                stuck.fees().maxFeePerGas().multiply(BigInteger.TWO));
        final SignedTransaction other = L1Node.sign(chain.submitter(), chain.chainId(), stuck.tx().nonce(), BigInteger.valueOf(21_000),
                chain.outsider().getAddress(), "0x", higher);
        assertThat(chain.web3j().ethSendRawTransaction(other.rawHex()).send().hasError()).isFalse();
        chain.mine();
        chain.setAutomine(true);

        await().atMost(WAIT).until(() -> proofRequest(8).submittedAt.signum() != 0);
        await().atMost(WAIT).untilAsserted(() -> assertThat(resultsNow()).extracting(L1TransactionResult::outcome)
                .contains(Outcome.MINED).doesNotContain(Outcome.EXPIRED));
        assertThat(states(command.commandId())).contains("replaced", "mined").doesNotContain("expired");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private L1SenderSettings settings(final BigInteger cap) {
        return settings(cap, BACKOFF);
    }

    private L1SenderSettings settings(final BigInteger cap, final Duration receiptTimeout, final int maxAttempts) {
        return settings(cap, BACKOFF, receiptTimeout, maxAttempts);
    }

    private L1TransactionSender start(final BigInteger cap) {
        return start(settings(cap));
    }

    private static double heldGauge(final SimpleMeterRegistry meters) {
        return meters.get("epm_l1_sender_held_fee_cap").gauge().value();
    }

    /** The timestamp of the chain's latest block: the chain time the sender measures deadlines on. */
    private static Instant head() {
        return Instant.ofEpochSecond(chain.latestBlockTimestamp());
    }

    /** Mines a block one minute after the command's deadline. */
    private static void passDeadline(final SubmitProofRequest command) {
        chain.setNextBlockTimestamp(command.notPickedUpBy().getEpochSecond() + 60);
        chain.mine();
        assertThat(head()).isAfter(command.notPickedUpBy());
    }

    /** Withdraws all the ProofManager's USDC: every request is refused with NoFundsAvailable() at estimation. */
    private static void unfund() throws Exception {
        chain.proofManager(chain.admin()).withdraw(chain.usdcAddress(), LocalChain.INITIAL_FUNDING).send();
    }

    /** Gives the ProofManager back the USDC minted to the outsider, from the outsider's account. */
    private static void refund() throws Exception {
        chain.usdc(chain.outsider()).transfer(chain.proofManagerAddress(), LocalChain.INITIAL_FUNDING).send();
    }

    private static ProofManager.ProofRequest proofRequest(final long batch) throws Exception {
        return chain.proofManager(chain.outsider()).proofRequest(
                new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch))).send();
    }

    private static SubmitProofRequest request(final long batch, final Instant notPickedUpBy) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now(), notPickedUpBy);
    }

}
