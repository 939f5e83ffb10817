package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1Record;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * The ingester's chain-time ticks on an events topic of several partitions, on its own broker: every step writes one
 * keyless tick to every partition after that step's events, so a reader of any partition never sees chain time run
 * ahead of an event of that partition.
 */
class L1LogIngesterTicksTest {

    private static final long ROLLUP_CHAIN = 90_002;
    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LocalChain chain;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void infrastructure() throws Exception {
        chain = LocalChain.start(31_339);
        broker = EmbeddedKafkaBroker.start(SharedInfrastructure.tempDir("l1-ticks-kafka"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.L1_EVENTS.name(), PARTITIONS, (short) 1),
                    new NewTopic(Topics.NETWORK_EVENTS.name(), 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopInfrastructure() {
        broker.close();
        chain.close();
    }

    @Test
    void everyPartitionGetsKeylessTicksAfterItsEventsOfEachStep() throws Exception {
        final long start = head() + 1;
        final ProofManager submitter = chain.proofManager(chain.submitter());
        for (long batch = 1; batch <= 6; batch++) {
            submitter.submitProofRequest(id(batch), params()).send();
            if (batch % 3 == 0) {
                chain.mine(); // a block without events inside a step's range
            }
        }
        chain.proofManager(chain.fermah()).acknowledgeProofRequest(id(1), true).send();
        chain.proofManager(chain.lagrange()).acknowledgeProofRequest(id(2), false).send();
        final long last = head();
        final L1IngesterSettings settings = L1IngesterSettings.from(TestSettings.with(Map.of("epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(), "epm.l1.max-block-range", 2)),
                broker.bootstrapServers(), "test", Set.of(ROLLUP_CHAIN), start);

        try (L1LogIngester ingester = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            await().atMost(WAIT).until(() -> {
                ingester.pollOnce();
                return ingester.nextBlock() > last;
            });
        }

        final Map<Integer, List<Read>> partitions = readCommittedThrough(last);
        final List<Read> events = partitions.values().stream().flatMap(List::stream).filter(r -> r.event().isPresent()).toList();
        assertThat(events).as("2 events of batch 1 and 2, 1 of batches 3 to 6").hasSize(8);
        assertThat(partitions.values().stream().filter(records -> records.stream().anyMatch(r -> r.event().isPresent())))
                .as("events spread over partitions (else the ordering below proves little)").hasSizeGreaterThan(1);
        assertThat(partitions.values()).allSatisfy(records -> assertThat(records).allSatisfy(r ->
                assertThat(r.violations()).as("schema violations at %s", r).isEmpty()));

        final List<Long> stepEnds = stepEnds(start, last, 2);
        final String contract = chain.proofManagerAddress();
        for (final Map.Entry<Integer, List<Read>> partition : partitions.entrySet()) {
            final List<Read> records = partition.getValue();
            final List<ChainTime> ticks = records.stream().map(Read::tick).flatMap(Optional::stream).toList();
            assertThat(ticks).as("partition %s: one tick per step, at the step's last block", partition.getKey())
                    .extracting(ChainTime::blockNumber).containsExactlyElementsOf(stepEnds);
            assertThat(ticks).allSatisfy(tick -> {
                assertThat(tick.contractAddress()).isEqualToIgnoringCase(contract);
                assertThat(tick.blockTimestamp()).isEqualTo(blockTimestamp(tick.blockNumber()));
            });
            assertThat(records.stream().filter(r -> r.tick().isPresent())).as("ticks carry no key")
                    .allSatisfy(r -> assertThat(r.key()).isNull());
            assertThat(records.stream().filter(r -> r.event().isPresent())).as("events carry their batch key")
                    .allSatisfy(r -> assertThat(r.key()).isNotNull());
            for (int i = 0; i < records.size(); i++) {
                final Optional<L1Event> event = records.get(i).event();
                if (event.isEmpty()) {
                    continue;
                }
                final long block = event.get().log().blockNumber();
                final Optional<ChainTime> before = records.subList(0, i).reversed().stream().map(Read::tick).flatMap(Optional::stream)
                        .findFirst();
                final Optional<ChainTime> after = records.subList(i + 1, records.size()).stream().map(Read::tick)
                        .flatMap(Optional::stream).findFirst();
                before.ifPresent(tick -> assertThat(tick.blockNumber())
                        .as("partition %s: the tick before %s is older than its block", partition.getKey(), event.get())
                        .isLessThan(block));
                assertThat(after).as("partition %s: a tick follows %s", partition.getKey(), event.get()).hasValueSatisfying(
                        tick -> assertThat(tick.blockNumber()).isGreaterThanOrEqualTo(block));
            }
        }
    }

    /** The last blocks of the steps of at most {@code range} blocks from {@code from} to {@code to}. */
    private static List<Long> stepEnds(final long from, final long to, final int range) {
        final List<Long> ends = new ArrayList<>();
        for (long first = from; first <= to; first += range) {
            ends.add(Math.min(first + range - 1, to));
        }
        return ends;
    }

    /** One record of the events topic, decoded with the topic's serdes. */
    private record Read(long offset, byte[] key, L1Record value, List<String> violations) {

        Optional<L1Event> event() {
            return value instanceof L1Event event ? Optional.of(event) : Optional.empty();
        }

        Optional<ChainTime> tick() {
            return value instanceof ChainTime tick ? Optional.of(tick) : Optional.empty();
        }

        @Override
        public String toString() {
            return "offset " + offset + ": " + value;
        }
    }

    /**
     * Every committed record of each partition of the events topic, once each partition's last tick is at block
     * {@code last}: a transaction's commit returns before its markers are written, so a read right after it may end
     * before that transaction's records.
     */
    private static Map<Integer, List<Read>> readCommittedThrough(final long last) {
        final java.util.concurrent.atomic.AtomicReference<Map<Integer, List<Read>>> read = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            read.set(readCommitted());
            return read.get().values().stream().allMatch(records -> records.reversed().stream().map(Read::tick)
                    .flatMap(Optional::stream).findFirst().filter(tick -> tick.blockNumber() >= last).isPresent());
        });
        return read.get();
    }

    /** Every committed record of each partition of the events topic, in offset order. */
    private static Map<Integer, List<Read>> readCommitted() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(Topics.L1_EVENTS.name(), p)).toList();
            assertThat(consumer.partitionsFor(Topics.L1_EVENTS.name())).hasSize(PARTITIONS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
            final Map<Integer, List<Read>> read = new TreeMap<>();
            partitions.forEach(p -> read.put(p.partition(), new ArrayList<>()));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> read.get(record.partition()).add(new Read(record.offset(),
                        record.key(), Topics.L1_EVENTS.valueSerde().decode(record.value()),
                        Topics.L1_EVENTS.valueSerde().schema().violations(RecordJson.readTree(record.value())))));
            }
            read.values().forEach(records -> assertThat(records).isSortedAccordingTo(
                    (a, b) -> Long.compare(a.offset(), b.offset())));
            return read;
        }
    }

    private static long head() throws Exception {
        return chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    private static Instant blockTimestamp(final long number) {
        try {
            return Instant.ofEpochSecond(chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)),
                    false).send().getBlock().getTimestamp().longValueExact());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read block " + number, e);
        }
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP_CHAIN), BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params() {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO, "https://blobs.example/inputs.bin",
                BigInteger.valueOf(4_800), BigInteger.valueOf(4_000_000));
    }
}
