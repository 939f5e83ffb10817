package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.sink.l1.L1SenderSettings;
import io.ethproofmanager.connectors.sink.l1.L1TransactionSender;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The L1 sender at L1 pace: anvil mining a block every 2 s, N batches' proof requests through the sender with 1 lane and
 * with 2 lanes at the bench's max-in-flight, and with 2 lanes at the service's default (commands produced to a
 * 4-partition commands topic at once, as a backlog of ready batches is), beside a raw web3j loop sending the same N calls
 * pipelined from one account (signed with consecutive nonces, sent without waiting, receipts polled in batches). Per
 * run: transactions per block (and a lane), batches per minute (and their share of the raw loop's), and the latency from
 * the command produced (the raw loop: the call signed) to its result read back mined, p50/p99: the sender's part of ready
 * -> request_sent_to_l1 (the readiness checker, topology and sink are not in this run).
 */
final class SenderBench {

    private static final int BLOCK_SECONDS = 2;
    private static final int PARTITIONS = 4;
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(400_000);
    private static final long MAX_REWARD = 1_000_000;
    private static final long CONTRACT_REWARD_BOUND = 5_000_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** One run's figures. */
    record Figures(String name, int lanes, int requests, double seconds, int blocks, double perBlock, double perMinute,
            double p50Ms, double p99Ms) {
    }

    private final Path dir;

    SenderBench(final Path dir) {
        this.dir = dir;
    }

    List<Figures> run(final int requests, final int maxInFlight, final PrintStream out) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("sender-kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("sender-postgres"));
                LocalChain chain = LocalChain.start()) {
            final List<String> keys = LocalChain.submitterPrivateKeys(3);
            for (final String key : keys.subList(1, 3)) {
                chain.grantSubmitterRole(Credentials.create(key).getAddress());
            }
            // the sender's runs: 1 and 2 lanes at maxInFlight, and 2 lanes at the service's default max-in-flight
            final int defaultMaxInFlight = ConfigFactory.defaultReference().getInt("epm.l1.max-in-flight");
            final List<int[]> runs = new ArrayList<>(List.of(new int[] {1, maxInFlight}, new int[] {2, maxInFlight}));
            if (defaultMaxInFlight != maxInFlight) {
                runs.add(new int[] {2, defaultMaxInFlight});
            }
            // the contract funds a request only while it holds 5 USDC (its reward bound) for each one in flight: every run
            chain.usdc(chain.admin()).mint(chain.proofManagerAddress(), BigInteger.valueOf(CONTRACT_REWARD_BOUND)
                    .multiply(BigInteger.valueOf((runs.size() + 2L) * requests))).send();
            chain.setAutomine(false);
            chain.setIntervalMining(BLOCK_SECONDS);
            final List<Figures> figures = new ArrayList<>();
            final Figures raw = raw(chain, Credentials.create(keys.get(2)), requests, 1002);
            figures.add(raw);
            out.println(line(raw, raw));
            for (int run = 0; run < runs.size(); run++) {
                final int lanes = runs.get(run)[0];
                try (Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4)) {
                    figures.add(sender(kafka, database, chain, keys.subList(0, lanes), requests, runs.get(run)[1], 2001 + run));
                    out.println(line(figures.getLast(), raw));
                }
            }
            return figures;
        }
    }

    /** One run's line; {@code raw}: the raw loop's run, whose batches per minute this one's are given a share of. */
    static String line(final Figures f, final Figures raw) {
        return String.format("%-58s %6d batches in %6.1f s: %4d blocks, %6.1f tx/block (%6.1f a lane), %7.1f batches/min"
                + " (%5.1f %% of the raw loop), command produced -> request mined p50 %7.0f ms, p99 %7.0f ms", f.name(),
                f.requests(), f.seconds(), f.blocks(), f.perBlock(), f.perBlock() / f.lanes(), f.perMinute(),
                100 * f.perMinute() / raw.perMinute(), f.p50Ms(), f.p99Ms());
    }

    private Figures sender(final EmbeddedKafkaBroker kafka, final Database database, final LocalChain chain,
            final List<String> keys, final int requests, final int maxInFlight, final long rollup) throws Exception {
        database.migrate(false, rollup);
        final String commands = "bench.l1-commands." + rollup;
        final String results = "bench.l1-tx-results." + rollup;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(commands, PARTITIONS, (short) 1), new NewTopic(results, 1, (short) 1))).all().get();
        }
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("epm.l1.rpc-url", chain.rpcUrl());
        overrides.put("epm.l1.contract-address", chain.proofManagerAddress());
        overrides.put("epm.l1.verifier-address", chain.verifierAddress());
        overrides.put("epm.l1.submitter-private-key", "");
        overrides.put("epm.l1.submitter-keys", String.join(",", keys));
        overrides.put("epm.l1.max-in-flight", maxInFlight);
        overrides.put("epm.l1.gas-limit", GAS_LIMIT.toString());
        overrides.put("epm.l1.max-fee-per-gas-cap", "1000000000000");
        final L1SenderSettings settings = L1SenderSettings.from(ConfigFactory.parseMap(overrides)
                        .withFallback(ConfigFactory.defaultReference()).resolve(), kafka.bootstrapServers(), "bench-sender-" + rollup)
                .withTopics(commands, results);
        final Map<String, Long> producedAt = new HashMap<>();
        final Map<String, Long> minedAt = new HashMap<>();
        final Set<Long> blocks = new HashSet<>();
        try (L1TransactionSender sender = new L1TransactionSender(settings, database.dataSource(), new SimpleMeterRegistry());
                KafkaProducer<byte[], byte[]> producer = producer(kafka);
                KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, results)) {
            awaitLeaders(producer, commands);
            sender.start();
            final long began = System.nanoTime();
            final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int batch = 1; batch <= requests; batch++) {
                final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(rollup, batch)),
                        rollup, batch, "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, MAX_REWARD, Instant.now());
                producedAt.put(command.commandId(), System.nanoTime());
                sent.add(producer.send(new ProducerRecord<>(commands, Topics.L1_COMMANDS.keySerde().encode(command.batchId()),
                        Topics.L1_COMMANDS.valueSerde().encode(command))));
            }
            producer.flush();
            for (final java.util.concurrent.Future<?> each : sent) {
                each.get(); // a command not produced fails the run here, not after the 10 minutes of waiting for it
            }
            final long deadline = began + TIMEOUT.toNanos();
            while (minedAt.size() < requests) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + minedAt.size() + " of " + requests + " requests mined within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    final L1TransactionResult result = Topics.L1_TX_RESULTS.valueSerde().decode(record.value());
                    if (result.blockNumber() != null && minedAt.putIfAbsent(result.commandId(), System.nanoTime()) == null) {
                        blocks.add(result.blockNumber());
                    } else if (result.outcome() != L1TransactionResult.Outcome.MINED) {
                        System.out.println("bench: " + result.commandId() + " " + result.outcome().wireName() + " " + result.detail());
                    }
                });
            }
            return figures(keys.size() + " lane(s), max-in-flight " + maxInFlight + ": L1 sender", keys.size(), producedAt,
                    minedAt, blocks, began);
        }
    }

    private Figures raw(final LocalChain chain, final Credentials account, final int requests, final long rollup) throws Exception {
        final var web3j = chain.web3j();
        final ProofManager manager = chain.proofManager(account);
        long nonce = web3j.ethGetTransactionCount(account.getAddress(), DefaultBlockParameterName.PENDING).send()
                .getTransactionCount().longValueExact();
        final BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getBaseFeePerGas();
        final BigInteger priority = BigInteger.valueOf(1_000_000);
        final BigInteger maxFee = baseFee.multiply(BigInteger.TWO).add(priority);
        final Map<String, Long> sentAt = new HashMap<>();
        final Map<String, String> byHash = new HashMap<>();
        final long began = System.nanoTime();
        for (int batch = 1; batch <= requests; batch++) {
            final String data = manager.submitProofRequest(
                    new ProofRequestIdentifier(BigInteger.valueOf(rollup), BigInteger.valueOf(batch)),
                    new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO, "https://blobs.example/" + batch,
                            BigInteger.valueOf(4_800), BigInteger.valueOf(MAX_REWARD))).encodeFunctionCall();
            final RawTransaction tx = RawTransaction.createTransaction(chain.chainId(), BigInteger.valueOf(nonce++), GAS_LIMIT,
                    chain.proofManagerAddress(), BigInteger.ZERO, data, priority, maxFee);
            final String id = "raw:" + batch;
            sentAt.put(id, System.nanoTime());
            final var sent = web3j.ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(tx, account))).send();
            if (sent.hasError()) {
                throw new IllegalStateException("the raw loop's call " + batch + " was refused: " + sent.getError().getMessage());
            }
            byHash.put(sent.getTransactionHash(), id);
        }
        final Map<String, Long> minedAt = new HashMap<>();
        final Set<Long> blocks = new HashSet<>();
        final long deadline = began + TIMEOUT.toNanos();
        while (minedAt.size() < requests) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + minedAt.size() + " of the raw loop's calls mined within " + TIMEOUT);
            }
            final var batch = web3j.newBatch();
            byHash.keySet().stream().filter(hash -> !minedAt.containsKey(byHash.get(hash)))
                    .forEach(hash -> batch.add(web3j.ethGetTransactionReceipt(hash)));
            final BatchResponse answers = batch.send();
            for (final var answer : answers.getResponses()) {
                ((EthGetTransactionReceipt) answer).getTransactionReceipt().ifPresent((TransactionReceipt receipt) -> {
                    if (!receipt.isStatusOK()) {
                        throw new IllegalStateException("the raw loop's " + receipt.getTransactionHash() + " reverted");
                    }
                    minedAt.putIfAbsent(byHash.get(receipt.getTransactionHash()), System.nanoTime());
                    blocks.add(receipt.getBlockNumber().longValueExact());
                });
            }
            Thread.sleep(100);
        }
        return figures("raw web3j loop, one account, pipelined", 1, sentAt, minedAt, blocks, began);
    }

    private static Figures figures(final String name, final int lanes, final Map<String, Long> startedAt,
            final Map<String, Long> minedAt, final Set<Long> blocks, final long began) {
        final BenchCommand.Latencies latencies = new BenchCommand.Latencies();
        long last = began;
        for (final Map.Entry<String, Long> mined : minedAt.entrySet()) {
            latencies.add(mined.getValue() - startedAt.get(mined.getKey()));
            last = Math.max(last, mined.getValue());
        }
        final double seconds = (last - began) / 1e9;
        return new Figures(name, lanes, minedAt.size(), seconds, blocks.size(), (double) minedAt.size() / blocks.size(),
                minedAt.size() / seconds * 60, latencies.percentileMillis(50), latencies.percentileMillis(99));
    }

    /**
     * The commands' producer, one request in flight per connection: a batch retried on a topic just created (its leader
     * not known yet) is then never behind later ones, which the idempotent producer would otherwise retry as out of order
     * without end.
     */
    private static KafkaProducer<byte[], byte[]> producer(final EmbeddedKafkaBroker kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** Waits until every partition of {@code topic} has a leader the producer knows. */
    private static void awaitLeaders(final KafkaProducer<byte[], byte[]> producer, final String topic) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (producer.partitionsFor(topic).size() < PARTITIONS
                || producer.partitionsFor(topic).stream().anyMatch(partition -> partition.leader() == null)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + topic + " have no leader after 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final EmbeddedKafkaBroker kafka, final String topic) {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-results-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
