package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.schemas.BatchId;
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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** Readiness events through the batch topology, beside the same records through a pass-through Streams app. */
final class TopologyBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final long CHAIN_ID = 271;

    private final String bootstrapServers;
    private final Path stateDir;
    private final ManagerSettings settings;
    private final BenchTopics topics;

    TopologyBench(final String bootstrapServers, final Path stateDir, final ManagerSettings settings) {
        this.bootstrapServers = bootstrapServers;
        this.stateDir = stateDir;
        this.settings = settings;
        this.topics = new BenchTopics(bootstrapServers);
    }

    BenchCommand.Figure passThrough(final int count, final int round) {
        final String in = "bench.passthrough.in." + round;
        final String out = "bench.passthrough.out." + round;
        topics.recreate(List.of(in, out));
        topics.produce(in, count, this::readinessRecord);
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-source"))
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-sink"));
        return run("pass-through Kafka Streams app (exactly-once v2)", builder.build(), "bench-passthrough-" + round, out, count);
    }

    BenchCommand.Figure batchTopology(final int count, final int round) {
        topics.recreate(Topics.all().stream().map(t -> t.name()).toList());
        topics.produce(Topics.READINESS.name(), count, this::readinessRecord);
        final var policy = new ProofRequestPolicy(settings.proofRequest().timeoutAfter(), settings.proofRequest().maxRewardMicroUsdc());
        final Topology topology = BatchTopology.build(policy, new SimpleMeterRegistry());
        return run("batch topology: readiness -> status + command (exactly-once v2)", topology, "bench-topology-" + round,
                Topics.BATCH_STATUS.name(), count);
    }

    private BenchCommand.Figure run(final String name, final Topology topology, final String applicationId,
            final String outputTopic, final int count) {
        final KafkaStreams streams = new KafkaStreams(topology,
                StreamsSettings.properties(bootstrapServers, applicationId, stateDir.resolve(applicationId), (short) 1));
        final long began = System.nanoTime();
        streams.start();
        try {
            final long finished = topics.awaitRecords(outputTopic, count, TIMEOUT);
            return new BenchCommand.Figure(name, count, finished - began);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private byte[][] readinessRecord(final int i) {
        final BatchId id = new BatchId(CHAIN_ID, i);
        final ReadinessEvent event = new ReadinessEvent(CHAIN_ID, i, "https://blobs.example/proof-inputs/" + i + ".bin",
                settings.protocolVersion(), Instant.parse("2026-11-25T00:00:00Z").plusMillis(i));
        return new byte[][] {Topics.READINESS.keySerde().encode(id), Topics.READINESS.valueSerde().encode(event)};
    }
}
