package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.devkit.chain.JsonRpcProxy;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the simulation ({@code simulate}) found in the L1 sender, against a real anvil chain, PostgreSQL and Kafka broker:
 * a sender started while its node answers HTTP errors waits for it (a kill -9 overlapping an rpc-fail: the restarted
 * manager's sender died reading the chain id, and the manager never became ready again); a redelivered request that our
 * mined attempt put on chain reports the request's status at the block it was mined in, not at the head (a kill -9 after
 * the mining: the network refused the request meanwhile, and the batch fell back as refused_at_submission).
 */
class L1SenderSimulationFindingsTest extends L1SenderTestBase {

    private static final long ROLLUP = 326;

    L1SenderSimulationFindingsTest() {
        super("findings");
    }

    @Test
    void aRedeliveredRequestReportsItsStatusAtTheBlockOurAttemptWasMinedInNotAtTheHead() throws Exception {
        final BatchId batch = new BatchId(ROLLUP, 2);
        final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(batch), ROLLUP, 2,
                "https://blobs.example/2", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
        start(settings(HIGH_CAP, Duration.ofMillis(300)));
        produce(command);
        final L1TransactionResult mined = awaitResults(1).getFirst();
        final ProofRequestIdentifier id = new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(2));
        final int assignee = chain.proofManager(chain.outsider()).proofRequest(id).send().assignedTo.intValueExact();
        chain.proofManager(LocalChain.networkAccount(ProvingNetwork.values()[assignee])).acknowledgeProofRequest(id, false).send();

        produce(command);
        final L1TransactionResult again = awaitResults(2).get(1);

        assertThat(mined.onChainStatus()).contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(again.outcome()).isEqualTo(L1TransactionResult.Outcome.ALREADY_ON_CHAIN);
        assertThat(again.txHash()).isEqualTo(mined.txHash());
        assertThat(again.onChainStatus()).as("refused since by the network, not at submission")
                .contains(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(again.blockNumber()).isEqualTo(mined.blockNumber());
    }

    @Test
    void aSenderStartedDuringANodeOutageWaitsForTheNodeThenSends() throws Exception {
        try (OutageProxy node = new OutageProxy(chain.rpcUrl())) {
            final L1TransactionSender sender = start(L1SenderSettings.from(TestSettings.with(Map.of(
                            "epm.l1.rpc-url", node.url(),
                            "epm.l1.contract-address", chain.proofManagerAddress(),
                            "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                            "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                            "epm.l1.held-retry-backoff", "200ms")), bootstrap(), group)
                    .withTopics(commands, results));

            await().atMost(WAIT).until(() -> node.refused() >= 3);
            assertThat(sender.isHealthy()).as("still trying after %d refused requests", node.refused()).isTrue();

            node.recover();
            final BatchId batch = new BatchId(ROLLUP, 1);
            produce(new SubmitProofRequest(SubmitProofRequest.commandIdFor(batch), ROLLUP, 1, "https://blobs.example/1",
                    new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now()));

            assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(L1TransactionResult.Outcome.MINED);
            assertThat(sender.isHealthy()).isTrue();
        }
    }

    @Test
    void theDryRunSeesTheLanesOwnTransactionsNotMinedYet() throws Exception {
        // seed 11's simulation: requests pipelined past the contract's funds all passed a dry-run at the latest block,
        // then reverted on chain with NoFundsAvailable(); the pending block holds what the lane already sent
        final L1Node node = new L1Node(chain.web3j());
        final org.web3j.crypto.Credentials submitter = org.web3j.crypto.Credentials.create(LocalChain.submitterPrivateKey());
        final String data = ProofManagerCalls.callData(new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, 31)), ROLLUP, 31, "https://blobs.example/31",
                new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now()));
        assertThat(node.estimate(submitter.getAddress(), chain.proofManagerAddress(), data)).isEmpty();
        chain.setAutomine(false);
        try {
            final long nonce = chain.web3j().ethGetTransactionCount(submitter.getAddress(),
                    org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount().longValueExact();
            final SignedTransaction first = L1Node.sign(submitter, node.chainId(), nonce, BigInteger.valueOf(1_000_000),
                    chain.proofManagerAddress(), data, node.head().fees(BigInteger.valueOf(1_000_000_000L)));
            assertThat(node.broadcast(first)).isEqualTo(L1Node.Broadcast.ACCEPTED);

            final Optional<L1Node.Revert> again = node.estimate(submitter.getAddress(), chain.proofManagerAddress(), data);

            assertThat(again).as("the same request dry-run while the first is still in the pool").isPresent();
            assertThat(ProofManagerCalls.reason(again.get())).startsWith("DuplicatedProofRequest(");
        } finally {
            chain.setAutomine(true);
            chain.mine();
        }
    }

    @Test
    void aRequestThatRunsOutOfGasIsReportedOnceAndNotSentAgain() throws Exception {
        final String submitter = org.web3j.crypto.Credentials.create(LocalChain.submitterPrivateKey()).getAddress();
        final long before = chain.web3j().ethGetTransactionCount(submitter,
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
        start(L1SenderSettings.from(TestSettings.with(Map.of(
                        "epm.l1.rpc-url", chain.rpcUrl(),
                        "epm.l1.contract-address", chain.proofManagerAddress(),
                        "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                        "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                        "epm.l1.gas-limit", "60000", // above the call's intrinsic gas, far below what it needs
                        "epm.l1.held-retry-backoff", "200ms")), bootstrap(), group)
                .withTopics(commands, results));
        final BatchId batch = new BatchId(ROLLUP, 21);
        produce(new SubmitProofRequest(SubmitProofRequest.commandIdFor(batch), ROLLUP, 21, "https://blobs.example/21",
                new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now(), Instant.parse("2100-01-01T00:00:00Z")));

        final L1TransactionResult reverted = awaitResults(1).getFirst();
        Thread.sleep(3_000); // fifteen held-retry backoffs: a retried request would have been sent again by now

        assertThat(reverted.outcome()).isEqualTo(L1TransactionResult.Outcome.REVERTED);
        assertThat(reverted.revertReason()).startsWith("out of gas: used all 60000 gas of the limit epm.l1.gas-limit = 60000");
        assertThat(chain.web3j().ethGetTransactionCount(submitter, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                .send().getTransactionCount().longValueExact()).as("one transaction sent, none again").isEqualTo(before + 1);
    }

    @Test
    void batchedReceiptReadsAnsweredWithHttp503WhileRequestsAreInFlightNeitherStopNorRestartTheSender() throws Exception {
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        final Logger senderLog = (Logger) LoggerFactory.getLogger(L1TransactionSender.class);
        log.start();
        senderLog.addAppender(log);
        try (OutageProxy node = new OutageProxy(chain.rpcUrl(), request -> request != null && request.isArray())) {
            final L1TransactionSender sender = start(L1SenderSettings.from(TestSettings.with(Map.of(
                            "epm.l1.rpc-url", node.url(),
                            "epm.l1.contract-address", chain.proofManagerAddress(),
                            "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                            "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                            "epm.l1.receipt-poll-interval", "100ms",
                            "epm.l1.held-retry-backoff", "200ms")), bootstrap(), group)
                    .withTopics(commands, results));
            for (int number = 11; number <= 13; number++) {
                produce(new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, number)), ROLLUP, number,
                        "https://blobs.example/" + number, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now()));
            }

            await().atMost(WAIT).until(() -> node.refused() >= 5);
            assertThat(sender.isHealthy()).as("still following its transactions after %d refused receipt reads", node.refused())
                    .isTrue();
            node.recover();

            final List<L1TransactionResult> mined = awaitResults(3);
            assertThat(mined).extracting(L1TransactionResult::outcome).containsOnly(L1TransactionResult.Outcome.MINED);
            assertThat(log.list).as("the sender's loop never failed")
                    .noneMatch(event -> event.getLevel() == Level.ERROR);
        } finally {
            senderLog.detachAppender(log);
        }
    }

    /** A {@link JsonRpcProxy} in front of the node that answers 503 to the requests it is told to until {@link #recover()}. */
    private static final class OutageProxy implements AutoCloseable {

        private final JsonRpcProxy proxy;
        private final java.util.function.Predicate<JsonNode> refuses;
        private final AtomicBoolean down = new AtomicBoolean(true);
        private final AtomicInteger refused = new AtomicInteger();

        OutageProxy(final String targetUrl) {
            this(targetUrl, request -> true);
        }

        OutageProxy(final String targetUrl, final java.util.function.Predicate<JsonNode> refuses) {
            this.refuses = refuses;
            this.proxy = JsonRpcProxy.start(targetUrl, this::treat);
        }

        String url() {
            return proxy.url();
        }

        int refused() {
            return refused.get();
        }

        void recover() {
            down.set(false);
        }

        private JsonRpcProxy.Action treat(final JsonNode request) {
            if (down.get() && refuses.test(request)) {
                refused.incrementAndGet();
                return JsonRpcProxy.httpFailure(503, "node outage");
            }
            return JsonRpcProxy.forward();
        }

        @Override
        public void close() {
            proxy.close();
        }
    }
}
