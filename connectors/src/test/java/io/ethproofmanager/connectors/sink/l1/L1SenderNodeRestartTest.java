package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The node restarted with the lane's transactions in its pool, on a real anvil that keeps its chain in a directory
 * ({@code --state}: the chain survives the restart, the pool does not): the running sender finds its transactions unknown
 * to the node, broadcasts their persisted bytes again, and every batch ends with exactly one request on chain, each by
 * its first signed transaction, nonces consecutive; the lane goes on sending afterwards.
 */
class L1SenderNodeRestartTest {

    private static final long ROLLUP = 326;
    private static final int IN_FLIGHT = 10;

    @TempDir
    Path dir;

    @Test
    void theNodeRestartedWithTransactionsInItsPoolGetsThemAgainAndTheLaneGoesOn() throws Exception {
        final String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        final String commands = "test.l1-commands.node-restart";
        final String results = "test.l1-tx-results.node-restart";
        SharedInfrastructure.createTopics(bootstrap, commands, results);
        LocalChain chain = LocalChain.startIn(dir.resolve("chain"), LocalChain.DEFAULT_CHAIN_ID, 0);
        final int port = URI.create(chain.rpcUrl()).getPort();
        try (Database database = SharedInfrastructure.freshDatabase("l1_sender_node_restart");
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            final String submitter = chain.submitter().getAddress();
            final long nonceBefore = pendingNonce(chain, submitter);
            chain.setAutomine(false);
            final L1SenderSettings settings = L1SenderSettings.from(TestSettings.with(Map.of(
                    "epm.l1.rpc-url", chain.rpcUrl(),
                    "epm.l1.contract-address", chain.proofManagerAddress(),
                    "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                    "epm.l1.max-fee-per-gas-cap", "1000000000000",
                    "epm.l1.receipt-timeout", "30s",
                    "epm.l1.max-in-flight", IN_FLIGHT,
                    "epm.l1.held-retry-backoff", "300ms")), bootstrap, "l1-sender-node-restart").withTopics(commands, results);
            final Attempts attempts = new Attempts(database.dataSource());
            try (L1TransactionSender sender = new L1TransactionSender(settings, database.dataSource(), new SimpleMeterRegistry())) {
                sender.start();
                final List<SubmitProofRequest> first = LongStream.rangeClosed(1, IN_FLIGHT).mapToObj(L1SenderNodeRestartTest::request)
                        .toList();
                for (final SubmitProofRequest command : first) {
                    produce(producer, commands, command);
                }
                final LocalChain before = chain;
                await().atMost(Duration.ofSeconds(30)).until(() -> pendingNonce(before, submitter) == nonceBefore + IN_FLIGHT);
                final List<String> sentHashes = first.stream().map(c -> attempts.of(c.commandId()).getLast().tx().hash()).toList();

                // the node stops (its chain dumped) and starts again on the same port from the dump: its pool is empty
                chain.close();
                chain = LocalChain.startIn(dir.resolve("chain"), LocalChain.DEFAULT_CHAIN_ID, port);
                chain.setAutomine(false);
                final LocalChain after = chain;
                assertThat(after.proofManagerAddress()).isEqualTo(before.proofManagerAddress());

                // the sender finds them unknown and broadcasts their persisted bytes again: the pool holds all ten again
                await().atMost(Duration.ofSeconds(30)).until(() -> sentHashes.stream().allMatch(hash -> knows(after, hash)));
                after.mine();
                await().atMost(Duration.ofSeconds(30)).until(() -> L1SenderTestBase.resultsNow(bootstrap, results).size() == IN_FLIGHT);
                assertThat(L1SenderTestBase.resultsNow(bootstrap, results)).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
                for (int i = 0; i < IN_FLIGHT; i++) {
                    assertThat(attempts.of(first.get(i).commandId())).as("one attempt, its persisted bytes mined")
                            .singleElement().satisfies(attempt -> assertThat(attempt.state()).isEqualTo(AttemptState.MINED))
                            .extracting(attempt -> attempt.tx().hash()).isEqualTo(sentHashes.get(i));
                }

                // no lane stalls: the next commands go out and mine at the next nonces
                final List<SubmitProofRequest> later = LongStream.rangeClosed(IN_FLIGHT + 1, IN_FLIGHT + 2)
                        .mapToObj(L1SenderNodeRestartTest::request).toList();
                for (final SubmitProofRequest command : later) {
                    produce(producer, commands, command);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> pendingNonce(after, submitter) == nonceBefore + IN_FLIGHT + 2);
                after.mine();
                await().atMost(Duration.ofSeconds(30)).until(() -> L1SenderTestBase.resultsNow(bootstrap, results).size() == IN_FLIGHT + 2);

                final List<SubmitProofRequest> all = new ArrayList<>(first);
                all.addAll(later);
                assertThat(all.stream().flatMap(c -> attempts.of(c.commandId()).stream())
                        .filter(attempt -> attempt.state() == AttemptState.MINED).map(attempt -> attempt.tx().nonce())
                        .sorted(Comparator.naturalOrder()).toList()).as("consecutive, none twice")
                        .containsExactlyElementsOf(LongStream.range(nonceBefore, nonceBefore + IN_FLIGHT + 2).boxed().toList());
                assertThat(after.proofManager(after.outsider()).requestCounter().send()).as("one request a batch")
                        .isEqualTo(BigInteger.valueOf(IN_FLIGHT + 2L));
            }
        } finally {
            chain.close();
        }
    }

    private static boolean knows(final LocalChain chain, final String hash) {
        try {
            return chain.web3j().ethGetTransactionByHash(hash).send().getTransaction().isPresent();
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long pendingNonce(final LocalChain chain, final String address) throws Exception {
        return chain.web3j().ethGetTransactionCount(address, DefaultBlockParameterName.PENDING).send().getTransactionCount()
                .longValueExact();
    }

    private static void produce(final KafkaProducer<byte[], byte[]> producer, final String topic, final SubmitProofRequest command)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, Topics.L1_COMMANDS.keySerde().encode(command.batchId()),
                Topics.L1_COMMANDS.valueSerde().encode(command))).get(10, TimeUnit.SECONDS);
    }

    private static SubmitProofRequest request(final long batch) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
    }
}
