package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.topology.BatchTopology;
import io.ethproofmanager.topology.ProofRequestPolicy;
import io.ethproofmanager.topology.StreamsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Readiness events through the batch topology, beside the same records through two Streams apps with the same
 * exactly-once settings: a plain pass-through (one output), and an equal-work app that keeps each record in a logged
 * persistent store and writes two outputs, as the topology writes a status record and a proof-request command per batch.
 *
 * <p>Every app finds its input already on the topic, {@code warmUp} records then {@code count} records. The figure is
 * steady state: from the broker's append time of the warm-up's last output (start-up, changelog creation and the first
 * rebalance are behind it) to that of the last output; the start-up (app start to the warm-up's last output) is
 * printed beside it.
 */
final class TopologyBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final long CHAIN_ID = 271;
    private static final Instant READY_AT = Instant.parse("2026-11-25T00:00:00Z");
    static final String PASS_THROUGH = "A";
    static final String EQUAL_WORK = "B";
    static final String TOPOLOGY = "C";

    private final String bootstrapServers;
    private final Path stateDir;
    private final ManagerSettings settings;
    private final BenchTopics topics;
    private final int warmUp;

    TopologyBench(final String bootstrapServers, final Path stateDir, final ManagerSettings settings, final int warmUp) {
        this.bootstrapServers = bootstrapServers;
        this.stateDir = stateDir;
        this.settings = settings;
        this.topics = new BenchTopics(bootstrapServers);
        this.warmUp = warmUp;
    }

    BenchCommand.Figure passThrough(final int count, final int round) {
        final String in = "bench.passthrough.in." + round;
        final String out = "bench.passthrough.out." + round;
        topics.recreate(List.of(in, out));
        topics.produce(in, warmUp + count, this::readinessRecord);
        final Topology topology = new Topology()
                .addSource("bench-source", in)
                .addSink("bench-sink", out, "bench-source");
        return run(PASS_THROUGH, "pass-through Streams app: 1 output (exactly-once v2)", topology, "bench-passthrough-" + round,
                List.of(out), count);
    }

    BenchCommand.Figure equalWork(final int count, final int round) {
        final String in = "bench.equal-work.in." + round;
        final List<String> outs = List.of("bench.equal-work.status." + round, "bench.equal-work.command." + round);
        topics.recreate(List.of(in, outs.get(0), outs.get(1)));
        topics.produce(in, warmUp + count, this::readinessRecord);
        final Topology topology = new Topology()
                .addSource("bench-source", in)
                .addProcessor("bench-store-and-fork", StoreAndFork::new, "bench-source")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("bench-state"), Serdes.Bytes(), Serdes.ByteArray()),
                        "bench-store-and-fork")
                .addSink("bench-status-sink", outs.get(0), "bench-store-and-fork")
                .addSink("bench-command-sink", outs.get(1), "bench-store-and-fork");
        return run(EQUAL_WORK, "equal-work Streams app: logged store, 2 outputs (exactly-once v2)", topology,
                "bench-equal-work-" + round, outs, count);
    }

    BenchCommand.Figure batchTopology(final int count, final int round) {
        topics.recreate(Topics.all().stream().map(t -> t.name()).toList());
        // the partition's chain time is known before the first batch is ready, so each batch gets its proof request at once
        final ChainTime tick = new ChainTime("0x00000000000000000000000000000000000000aa", 1, READY_AT);
        topics.produce(Topics.L1_EVENTS.name(), 1, i -> new byte[][] {null, Topics.L1_EVENTS.valueSerde().encode(tick)});
        topics.produce(Topics.READINESS.name(), warmUp + count, this::readinessRecord);
        final var policy = new ProofRequestPolicy(settings.proofRequest().timeoutAfter(), settings.proofRequest().maxRewardMicroUsdc());
        final Topology topology = BatchTopology.build(policy, new SimpleMeterRegistry());
        return run(TOPOLOGY, "batch topology: readiness -> status + command (exactly-once v2)", topology, "bench-topology-" + round,
                List.of(Topics.BATCH_STATUS.name(), Topics.L1_COMMANDS.name()), count).comparedWith(PASS_THROUGH, EQUAL_WORK);
    }

    private BenchCommand.Figure run(final String tag, final String name, final Topology topology, final String applicationId,
            final List<String> outputTopics, final int count) {
        final KafkaStreams streams = new KafkaStreams(topology,
                StreamsSettings.properties(bootstrapServers, applicationId, stateDir.resolve(applicationId), (short) 1));
        final long began = System.currentTimeMillis();
        streams.start();
        try {
            final BenchTopics.Arrivals arrivals = topics.awaitRecords(outputTopics,
                    List.of((long) warmUp, (long) warmUp + count), TIMEOUT);
            return BenchCommand.Figure.of(tag, name, count, Duration.ofMillis(Math.max(1, arrivals.at(1) - arrivals.at(0))).toNanos())
                    .withStartUp(Duration.ofMillis(arrivals.at(0) - began));
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private byte[][] readinessRecord(final int i) {
        final BatchId id = new BatchId(CHAIN_ID, i);
        final ReadinessEvent event = new ReadinessEvent(CHAIN_ID, i, "https://blobs.example/proof-inputs/" + i + ".bin",
                settings.protocolVersion(), READY_AT.plusMillis(i));
        return new byte[][] {Topics.READINESS.keySerde().encode(id), Topics.READINESS.valueSerde().encode(event)};
    }

    /** The equal-work step: reads the record's key in its store, writes the value there, and forwards it to both sinks. */
    private static final class StoreAndFork implements Processor<byte[], byte[], byte[], byte[]> {

        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<Bytes, byte[]> store;

        @Override
        public void init(final ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore("bench-state");
        }

        @Override
        public void process(final Record<byte[], byte[]> record) {
            final Bytes key = Bytes.wrap(record.key());
            store.get(key);
            store.put(key, record.value());
            context.forward(record, "bench-status-sink");
            context.forward(record, "bench-command-sink");
        }
    }
}
