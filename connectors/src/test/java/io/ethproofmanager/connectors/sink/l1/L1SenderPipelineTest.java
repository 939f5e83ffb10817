package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A lane's pipeline on a real anvil whose blocks are mined by the test: many transactions in flight with consecutive
 * nonces, mined together; a transaction dropped from the node's pool in the middle of the pipeline; a nonce held in the
 * pool by another transaction ("replacement transaction underpriced").
 */
class L1SenderPipelineTest extends L1SenderTestBase {

    private static final long ROLLUP = 324;

    L1SenderPipelineTest() {
        super("pipeline");
    }

    @Test
    void tenRequestsAreInFlightTogetherWithConsecutiveNoncesAndMineInOneBlock() throws Exception {
        final long nonceBefore = nonce();
        chain.setAutomine(false);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(pipelined(10), meters);
        final List<SubmitProofRequest> commands = LongStream.rangeClosed(1, 10).mapToObj(L1SenderPipelineTest::request).toList();
        for (final SubmitProofRequest command : commands) {
            produce(command);
        }

        await().atMost(WAIT).until(() -> pendingNonce(chain.submitter().getAddress()) == nonceBefore + 10);
        assertThat(resultsNow()).as("nothing mined yet").isEmpty();
        assertThat(meters.get("epm_l1_sender_lane_in_flight").tag("lane", "0").gauge().value()).isEqualTo(10.0);
        chain.mine();
        final List<L1TransactionResult> results = awaitResults(10);

        assertThat(results).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(results).extracting(L1TransactionResult::blockNumber).as("one block holds them all").containsOnly(
                results.getFirst().blockNumber());
        assertThat(sentNonces(commands)).containsExactlyElementsOf(LongStream.range(nonceBefore, nonceBefore + 10).boxed().toList());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.TEN);
    }

    @Test
    void aTransactionDroppedInTheMiddleOfThePipelineIsSentAgainAndTheGapFilled() throws Exception {
        final long nonceBefore = nonce();
        chain.setAutomine(false);
        start(pipelined(5));
        final List<SubmitProofRequest> commands = LongStream.rangeClosed(11, 15).mapToObj(L1SenderPipelineTest::request).toList();
        for (final SubmitProofRequest command : commands) {
            produce(command);
        }
        await().atMost(WAIT).until(() -> pendingNonce(chain.submitter().getAddress()) == nonceBefore + 5);
        final Attempt middle = attempts().of(commands.get(2).commandId()).getLast();

        chain.dropTransaction(middle.tx().hash());
        await().atMost(WAIT).until(() -> chain.web3j().ethGetTransactionByHash(middle.tx().hash()).send().getTransaction().isPresent());
        chain.mine();
        final List<L1TransactionResult> results = awaitResults(5);

        assertThat(results).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(sentNonces(commands)).as("no nonce skipped, none used twice")
                .containsExactlyElementsOf(LongStream.range(nonceBefore, nonceBefore + 5).boxed().toList());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.valueOf(5));
        assertThat(nonce()).isEqualTo(nonceBefore + 5);
    }

    @Test
    void aNonceHeldInThePoolByAnotherTransactionIsPassedOver() throws Exception {
        final long nonceBefore = nonce();
        chain.setAutomine(false);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(pipelined(4), meters);
        await().atMost(WAIT).until(() -> meters.find("epm_l1_sender_lane_owned").tag("lane", "0").gauge() != null
                && meters.get("epm_l1_sender_lane_owned").tag("lane", "0").gauge().value() == 1.0);
        // once the lane is taken, another signer of the account puts a transaction with high fees at its next nonce
        final Credentials submitter = LocalChain.submitterAccount();
        final RawTransaction foreign = RawTransaction.createTransaction(chain.chainId(), BigInteger.valueOf(nonceBefore),
                BigInteger.valueOf(21_000), chain.outsider().getAddress(), BigInteger.ONE, "",
                BigInteger.valueOf(50_000_000_000L), BigInteger.valueOf(500_000_000_000L));
        final String foreignHash = chain.web3j().ethSendRawTransaction(
                Numeric.toHexString(TransactionEncoder.signMessage(foreign, submitter))).send().getTransactionHash();
        final SubmitProofRequest command = request(21);
        produce(command);

        await().atMost(WAIT).until(() -> states(command.commandId()).equals(List.of("replaced", "broadcast")));
        chain.mine();
        final L1TransactionResult result = awaitResults(1).getFirst();

        assertThat(result.outcome()).isEqualTo(Outcome.MINED);
        assertThat(attempts().of(command.commandId()).getFirst().revertReason()).hasValueSatisfying(
                reason -> assertThat(reason).contains("replacement underpriced"));
        final Optional<TransactionReceipt> foreignReceipt = chain.web3j().ethGetTransactionReceipt(foreignHash).send()
                .getTransactionReceipt();
        assertThat(foreignReceipt).isPresent();
        assertThat(sentNonces(List.of(command))).containsExactly(nonceBefore + 1);
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void theFeeCapCrossedWithTenInFlightHoldsOnlyLaterCommandsAndNothingIsLostOrSentTwice() throws Exception {
        final long nonceBefore = nonce();
        chain.setAutomine(false);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final BigInteger cap = BigInteger.valueOf(3_000_000_000L);
        final L1TransactionSender sender = start(pipelined(10, cap, "2s"), meters);
        final List<SubmitProofRequest> first = LongStream.rangeClosed(41, 50).mapToObj(L1SenderPipelineTest::request).toList();
        final Instant producedFirst = Instant.now();
        for (final SubmitProofRequest command : first) {
            produce(command);
        }
        await().atMost(WAIT).until(() -> pendingNonce(chain.submitter().getAddress()) == nonceBefore + 10);
        assertThat(lanes(sender).feeHold()).as("nothing held yet").isNull();
        assertThat(sender.readinessDetail()).isEmpty();

        // the base fee jumps above what the ten in flight pay and what the cap allows: none mines, none can be replaced
        chain.setNextBlockBaseFee(BigInteger.valueOf(5_000_000_000L));
        chain.mine();
        final SubmitProofRequest later = request(51);
        final Instant producedLater = Instant.now();
        produce(later);
        await().atMost(WAIT).until(() -> resultsNow().stream().anyMatch(r -> r.commandId().equals(later.commandId())
                && r.outcome() == Outcome.HELD_FEE_CAP));
        assertThat(meters.get("epm_l1_sender_held_fee_cap").gauge().value()).isEqualTo(1.0);
        assertThat(states(later.commandId())).as("nothing signed while held").containsExactly("held_fee_cap");
        assertThat(resultsNow()).as("none of the ten given up").noneMatch(r -> r.outcome() == Outcome.UNKNOWN);

        // while held: the lane says so per lane on the metrics, in the status API and in the readiness detail
        final BigInteger quoted = attempts().of(later.commandId()).getLast().fees().maxFeePerGas();
        assertThat(quoted).as("the quote is above the cap").isGreaterThan(cap);
        assertThat(laneGauge(meters, "epm_l1_sender_lane_fee_held")).isEqualTo(1.0);
        assertThat(laneGauge(meters, "epm_l1_sender_lane_held_fee_per_gas")).isEqualTo(quoted.doubleValue());
        assertThat(meters.get("epm_l1_sender_fee_cap_per_gas").gauge().value()).isEqualTo(cap.doubleValue());
        // the oldest of the ten waits on (dropped by the node for its fee, sent again each round): its age grows, never
        // more than the time since it was produced
        await().atMost(WAIT).until(() -> laneGauge(meters, "epm_l1_sender_lane_oldest_pending") >= 2.0);
        assertThat(laneGauge(meters, "epm_l1_sender_lane_oldest_pending"))
                .isLessThanOrEqualTo(Duration.between(producedFirst, Instant.now()).toSeconds() + 1.0);
        final LaneStatus held = lanes(sender);
        assertThat(held.inFlight()).as("the ten may still mine").isEqualTo(10);
        assertThat(held.oldestPendingSeconds()).isGreaterThanOrEqualTo(2L);
        assertThat(held.heldByFeeCap()).isEqualTo(1);
        assertThat(held.feeHold()).isNotNull();
        assertThat(held.feeHold().commandId()).isEqualTo(later.commandId());
        assertThat(held.feeHold().quotedMaxFeePerGas()).isEqualTo(quoted);
        assertThat(held.feeHold().capMaxFeePerGas()).isEqualTo(cap);
        assertThat(held.feeHold().since()).isAfterOrEqualTo(producedLater.minusSeconds(1)).isBeforeOrEqualTo(Instant.now());
        assertThat(sender.readinessDetail()).hasValueSatisfying(detail -> assertThat(detail)
                .contains("lane 0", "held by the fee cap since", later.commandId(), "quoted maxFeePerGas " + quoted,
                        "cap of " + cap));
        assertThat(sender.isHealthy()).as("ready while held").isTrue();

        // the fee falls back: the ten mine (broadcast again where the node dropped them), the held one is sent after them
        chain.setNextBlockBaseFee(BigInteger.valueOf(100_000_000L));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            chain.mine();
            return resultsNow().stream().filter(r -> r.outcome() == Outcome.MINED).count() == 11;
        });

        final List<SubmitProofRequest> all = new java.util.ArrayList<>(first);
        all.add(later);
        assertThat(sentNonces(all)).as("consecutive, none twice")
                .containsExactlyElementsOf(LongStream.range(nonceBefore, nonceBefore + 11).boxed().toList());
        assertThat(reader().requestCounter().send()).isEqualTo(BigInteger.valueOf(11));
        assertThat(meters.get("epm_l1_sender_held_fee_cap").gauge().value()).isZero();
        assertThat(laneGauge(meters, "epm_l1_sender_lane_fee_held")).isZero();
        assertThat(laneGauge(meters, "epm_l1_sender_lane_held_fee_per_gas")).isZero();
        assertThat(sender.readinessDetail()).isEmpty();
        await().atMost(WAIT).until(() -> laneGauge(meters, "epm_l1_sender_lane_in_flight") == 0.0
                && laneGauge(meters, "epm_l1_sender_lane_oldest_pending") == 0.0);
        final LaneStatus released = lanes(sender);
        assertThat(released.feeHold()).isNull();
        assertThat(released.heldByFeeCap()).isZero();
        assertThat(released.inFlight()).isZero();
        assertThat(released.oldestPendingSeconds()).isNull();
        assertThat(released.nextNonce()).isEqualTo(nonceBefore + 11);
    }

    private static double laneGauge(final SimpleMeterRegistry meters, final String name) {
        return meters.get(name).tag("lane", "0").gauge().value();
    }

    private static LaneStatus lanes(final L1TransactionSender sender) {
        final List<LaneStatus> lanes = sender.lanes();
        assertThat(lanes).hasSize(1);
        return lanes.getFirst();
    }

    private L1SenderSettings pipelined(final int maxInFlight) {
        return pipelined(maxInFlight, HIGH_CAP, "10s");
    }

    private L1SenderSettings pipelined(final int maxInFlight, final BigInteger cap, final String receiptTimeout) {
        return L1SenderSettings.from(TestSettings.with(Map.of(
                "epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(),
                "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                "epm.l1.max-fee-per-gas-cap", cap.toString(),
                "epm.l1.receipt-timeout", receiptTimeout,
                "epm.l1.max-attempts", 3,
                "epm.l1.max-in-flight", maxInFlight,
                "epm.l1.held-retry-backoff", "300ms")), bootstrap(), group).withTopics(commands, results);
    }

    /** The nonces of the mined attempts of {@code sent}, lowest first. */
    private List<Long> sentNonces(final List<SubmitProofRequest> sent) {
        return sent.stream().flatMap(command -> attempts().of(command.commandId()).stream())
                .filter(attempt -> attempt.state() == AttemptState.MINED)
                .map(attempt -> attempt.tx().nonce()).sorted(Comparator.naturalOrder()).toList();
    }

    private io.ethproofmanager.contract.ProofManager reader() {
        return chain.proofManager(chain.outsider());
    }

    private static SubmitProofRequest request(final long batch) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
    }
}
