package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * What the L1 sender's tests share: a real anvil chain (snapshotted before each test and reverted after it), the shared
 * Kafka broker and PostgreSQL, a fresh database and topics per test, the senders a test started (closed after it), and
 * the reads a test checks the outcome with (results topic, attempts table, the signer's nonce).
 */
abstract class L1SenderTestBase {

    static final BigInteger HIGH_CAP = BigInteger.valueOf(1_000_000_000_000L);
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger RUNS = new AtomicInteger();

    static LocalChain chain;
    private static KafkaProducer<byte[], byte[]> producer;

    private final String kind;
    private final List<L1TransactionSender> senders = new ArrayList<>();
    private String snapshot;
    Database database;
    String commands;
    String results;
    String group;

    /** {@code kind} names this test's databases, topics and groups apart from other sender tests' (empty: none). */
    L1SenderTestBase(final String kind) {
        this.kind = kind;
    }

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
    static void stopChainAndProducer() {
        producer.close();
        chain.close();
    }

    @BeforeEach
    void setUp() {
        snapshot = chain.snapshot();
        final int run = RUNS.incrementAndGet();
        final String infix = kind.isEmpty() ? "" : kind + ".";
        database = SharedInfrastructure.freshDatabase("l1_sender_" + infix.replace('.', '_') + run);
        commands = "test.l1-commands." + infix + run;
        results = "test.l1-tx-results." + infix + run;
        group = "l1-sender-" + infix.replace('.', '-') + run;
        SharedInfrastructure.createTopics(bootstrap(), commands, results);
    }

    @AfterEach
    void tearDown() {
        senders.forEach(L1TransactionSender::close);
        chain.setAutomine(true);
        database.close();
        chain.revert(snapshot);
    }

    /** The sender's settings with the test's chain, topics and group, fee cap {@code cap}, receipts awaited 5 s, 3 attempts. */
    L1SenderSettings settings(final BigInteger cap, final Duration heldRetryBackoff) {
        return settings(cap, heldRetryBackoff, Duration.ofSeconds(5), 3);
    }

    /** The sender's settings with the test's chain, topics and group, fee cap {@code cap}, receipt waits and retries. */
    L1SenderSettings settings(final BigInteger cap, final Duration heldRetryBackoff, final Duration receiptTimeout,
            final int maxAttempts) {
        return L1SenderSettings.from(TestSettings.with(Map.of(
                        "epm.l1.rpc-url", chain.rpcUrl(),
                        "epm.l1.contract-address", chain.proofManagerAddress(),
                        "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                        "epm.l1.max-fee-per-gas-cap", cap.toString(),
                        "epm.l1.receipt-timeout", receiptTimeout.toMillis() + "ms",
                        "epm.l1.max-attempts", maxAttempts,
                        "epm.l1.held-retry-backoff", heldRetryBackoff.toMillis() + "ms")), bootstrap(), group)
                .withTopics(commands, results);
    }

    L1TransactionSender start(final L1SenderSettings settings) {
        return start(settings, new SimpleMeterRegistry());
    }

    /** Starts a sender on the test's database; it is closed after the test. */
    L1TransactionSender start(final L1SenderSettings settings, final SimpleMeterRegistry meters) {
        final L1TransactionSender sender = new L1TransactionSender(settings, database.dataSource(), meters);
        senders.add(sender);
        sender.start();
        return sender;
    }

    Attempts attempts() {
        return new Attempts(database.dataSource());
    }

    /** The states of a command's attempts, in order. */
    List<String> states(final String commandId) {
        return attempts().of(commandId).stream().map(a -> a.state().column()).toList();
    }

    void produce(final L1Command command) throws Exception {
        produce(commands, command);
    }

    /** Produces {@code command} to {@code topic}, keyed by its batch as the topology does; returns its partition. */
    int produce(final String topic, final L1Command command) throws Exception {
        return producer.send(new ProducerRecord<>(topic, Topics.L1_COMMANDS.keySerde().encode(command.batchId()),
                Topics.L1_COMMANDS.valueSerde().encode(command))).get(10, TimeUnit.SECONDS).partition();
    }

    /** Waits for {@code count} results on the results topic and returns them; fails on more. */
    List<L1TransactionResult> awaitResults(final int count) {
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
    List<L1TransactionResult> resultsNow() {
        return resultsNow(bootstrap(), results);
    }

    /** Every result on partition 0 of {@code topic} at {@code bootstrap} now, read_committed from the beginning. */
    static List<L1TransactionResult> resultsNow(final String bootstrap, final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            final TopicPartition partition = new TopicPartition(topic, 0);
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

    /** The submitter's next nonce, pending transactions included. */
    static long nonce() throws Exception {
        return pendingNonce(chain.submitter().getAddress());
    }

    static long pendingNonce(final String address) throws Exception {
        return chain.web3j().ethGetTransactionCount(address, DefaultBlockParameterName.PENDING).send()
                .getTransactionCount().longValueExact();
    }

    static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }
}
