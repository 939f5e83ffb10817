package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.chain.LocalChain;
import io.ethproofmanager.connectors.chain.contracts.ProofManager;
import io.ethproofmanager.connectors.chain.contracts.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * The L1 sender's pick-up deadline ({@code notPickedUpBy}) against a real anvil chain, PostgreSQL and Kafka broker: a
 * request is expired only when chain time passed its deadline and none of its transactions may still mine, the expiry is
 * final, and a request on chain or signed is never expired.
 */
class L1SenderPickUpDeadlineTest {

    private static final long ROLLUP = 325;
    private static final BigInteger HIGH_CAP = BigInteger.valueOf(1_000_000_000_000L);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration BACKOFF = Duration.ofMillis(300);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static LocalChain chain;
    private static KafkaProducer<byte[], byte[]> producer;

    private final List<L1TransactionSender> senders = new ArrayList<>();
    private String snapshot;
    private Database database;
    private String commands;
    private String results;
    private String group;

    @BeforeAll
    static void startChainAndProducer() {
        chain = LocalChain.start();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void stop() {
        producer.close();
        chain.close();
    }

    @BeforeEach
    void setUp() {
        snapshot = chain.snapshot();
        final int run = RUNS.incrementAndGet();
        database = SharedInfrastructure.freshDatabase("l1_sender_deadline_" + run);
        commands = "test.l1-commands.deadline." + run;
        results = "test.l1-tx-results.deadline." + run;
        group = "l1-sender-deadline-" + run;
        SharedInfrastructure.createTopics(bootstrap(), commands, results);
    }

    @AfterEach
    void tearDown() {
        senders.forEach(L1TransactionSender::close);
        setAutomine(true);
        database.close();
        chain.revert(snapshot);
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

        assertThat(result.outcome()).as("a signed request is resolved, never expired").isEqualTo(Outcome.MINED);
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
        setAutomine(false);
        start(settings(HIGH_CAP).withReceiptTimeout(Duration.ofMillis(500), 2));
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
        setAutomine(true);

        await().atMost(WAIT).until(() -> proofRequest(8).submittedAt.signum() != 0);
        await().atMost(WAIT).untilAsserted(() -> assertThat(resultsNow()).extracting(L1TransactionResult::outcome)
                .contains(Outcome.MINED).doesNotContain(Outcome.EXPIRED));
        assertThat(states(command.commandId())).contains("replaced", "mined").doesNotContain("expired");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private L1SenderSettings settings(final BigInteger cap) {
        return L1SenderSettings.defaults(chain.rpcUrl(), chain.proofManagerAddress(), chain.submitter(), cap, bootstrap(), group)
                .withTopics(commands, results)
                .withReceiptTimeout(Duration.ofSeconds(5), 3)
                .withHeldRetryBackoff(BACKOFF);
    }

    private L1TransactionSender start(final BigInteger cap) {
        return start(settings(cap));
    }

    private L1TransactionSender start(final L1SenderSettings settings) {
        return start(settings, new SimpleMeterRegistry());
    }

    private L1TransactionSender start(final L1SenderSettings settings, final SimpleMeterRegistry meters) {
        final L1TransactionSender sender = new L1TransactionSender(settings, database.dataSource(), meters);
        senders.add(sender);
        sender.start();
        return sender;
    }

    /** Switches anvil's automine (one block per transaction) on or off; the snapshot does not restore it. */
    private static void setAutomine(final boolean on) {
        final LocalChain.RawResponse response = send(() -> new Request<>("evm_setAutomine", List.of(on),
                new HttpService(chain.rpcUrl()), LocalChain.RawResponse.class).send());
        assertThat(response.hasError()).as("evm_setAutomine error").isFalse();
    }

    private static <T> T send(final Callable<T> call) {
        try {
            return call.call();
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double heldGauge(final SimpleMeterRegistry meters) {
        return meters.get("epm.l1.sender.held.fee.cap").gauge().value();
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

    private Attempts attempts() {
        return new Attempts(database.dataSource());
    }

    private List<String> states(final String commandId) {
        return attempts().of(commandId).stream().map(a -> a.state().column()).toList();
    }

    private void produce(final L1Command command) throws Exception {
        producer.send(new ProducerRecord<>(commands, Topics.L1_COMMANDS.keySerde().encode(command.batchId()),
                Topics.L1_COMMANDS.valueSerde().encode(command))).get(10, TimeUnit.SECONDS);
    }

    private List<L1TransactionResult> awaitResults(final int count) {
        final AtomicReference<List<L1TransactionResult>> seen = new AtomicReference<>(List.of());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .alias("waiting for " + count + " result(s) on " + results)
                .until(() -> {
                    seen.set(resultsNow());
                    return seen.get().size() >= count;
                });
        assertThat(seen.get()).hasSize(count);
        return seen.get();
    }

    /** Every result on the results topic now, read_committed from the beginning. */
    private List<L1TransactionResult> resultsNow() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            final TopicPartition partition = new TopicPartition(results, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final List<L1TransactionResult> found = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> found.add(Topics.L1_TX_RESULTS.valueSerde().decode(r.value())));
            }
            return found;
        }
    }

    private static long nonce() throws Exception {
        return chain.web3j().ethGetTransactionCount(chain.submitter().getAddress(), DefaultBlockParameterName.PENDING).send()
                .getTransactionCount().longValueExact();
    }

    private static ProofManager.ProofRequest proofRequest(final long batch) throws Exception {
        return chain.proofManager(chain.outsider()).proofRequest(
                new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch))).send();
    }

    private static SubmitProofRequest request(final long batch, final Instant notPickedUpBy) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now(), notPickedUpBy);
    }

    private static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }
}
