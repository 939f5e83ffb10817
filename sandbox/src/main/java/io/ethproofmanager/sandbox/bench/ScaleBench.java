package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSink;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSinkSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.topology.BatchTopology;
import io.ethproofmanager.topology.DeadlinePolicy;
import io.ethproofmanager.topology.Outcome;
import io.ethproofmanager.topology.ProofRequestPolicy;
import io.ethproofmanager.topology.StreamsSettings;
import io.ethproofmanager.topology.TopologyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Memory and scale: {@code total} batches through the batch topology and the Postgres sink together, {@code step} at a
 * time, each ready, its proof request issued, then expired unsent by the L1 sender (so fallen back: a final status); after
 * each step a chain-time tick past the retention of finished batches ({@code retention}, short here, a week by default).
 * Printed per step: the JVM's heap after a full GC (it holds the embedded broker too), the size of the app's state
 * directory (RocksDB) and the number of batch states in its store; with the retention they stay flat, not grow with
 * every batch ever seen.
 */
final class ScaleBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final long CHAIN_ID = 271;
    private static final String CONTRACT = "0x00000000000000000000000000000000000000bb";
    private static final String APPLICATION_ID = "bench-scale";
    /** The longest retention the bench waits out after each step; with a longer one nothing is dropped during the run. */
    static final Duration WAITED_RETENTION = Duration.ofMinutes(1);

    private final String bootstrapServers;
    private final Database database;
    private final Path stateDir;
    private final ManagerSettings settings;
    private final BenchTopics topics;

    ScaleBench(final String bootstrapServers, final Database database, final Path stateDir, final ManagerSettings settings) {
        this.bootstrapServers = bootstrapServers;
        this.database = database;
        this.stateDir = stateDir;
        this.settings = settings;
        this.topics = new BenchTopics(bootstrapServers);
    }

    void run(final int total, final int step, final Duration retention, final PrintStream out) throws Exception {
        topics.recreate(Topics.all().stream().map(t -> t.name()).toList());
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final var policy = new ProofRequestPolicy(settings.proofRequest().timeoutAfter(), settings.proofRequest().maxRewardMicroUsdc());
        final KafkaStreams streams = new KafkaStreams(BatchTopology.build(policy, DeadlinePolicy.defaults(), retention, meters),
                StreamsSettings.properties(bootstrapServers, APPLICATION_ID, stateDir.resolve(APPLICATION_ID), (short) 1));
        final SimpleMeterRegistry sinkMeters = new SimpleMeterRegistry();
        out.printf("%nmemory and scale: %d batches through the topology and the Postgres sink, each ready, requested, expired unsent"
                + " (fallen back); finished batches' state kept %d ms after their final change (default %d days)%n", total,
                retention.toMillis(), BatchTopology.DEFAULT_FINISHED_RETENTION.toDays());
        out.printf("  %9s %8s %18s %14s %14s%n", "batches", "seconds", "heap after GC MiB", "state dir MiB", "batch states");
        final long began = System.nanoTime();
        streams.start();
        try (BatchStatusSink sink = new BatchStatusSink(BatchStatusSinkSettings.from(settings.config(), bootstrapServers, "bench-scale-sink"),
                database.dataSource(), sinkMeters)) {
            sink.start();
            final Counter rows = sinkMeters.get("epm_postgres_sink_rows_total").counter();
            final Counter dropped = meters.get(TopologyMetrics.EVENTS).tag("outcome", Outcome.FINISHED_DROPPED.tag()).counter();
            tick();
            for (int done = 0; done < total; done += step) {
                final int from = done;
                final int to = Math.min(total, done + step);
                topics.produce(Topics.READINESS.name(), to - from, i -> readiness(from + i));
                await(rows, 2L * from + (to - from), "ready rows");
                topics.produce(Topics.L1_TX_RESULTS.name(), to - from, i -> expired(from + i));
                await(rows, 2L * to, "fallen-back rows");
                if (retention.compareTo(WAITED_RETENTION) <= 0) {
                    Thread.sleep(retention.toMillis() + 200);
                    tick();
                    await(dropped, to, "finished batches dropped");
                }
                System.gc();
                System.gc();
                final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                out.printf("  %9d %8.1f %18.1f %14.1f %14d%n", to, (System.nanoTime() - began) / 1e9, heap / 1048576.0,
                        directoryBytes(stateDir.resolve(APPLICATION_ID)) / 1048576.0, batchStates(streams));
                out.flush();
            }
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** A chain-time tick at the wall clock: finished batches past their retention are dropped at it. */
    private void tick() {
        final ChainTime time = new ChainTime(CONTRACT, 1, Instant.now());
        topics.produce(Topics.L1_EVENTS.name(), 1, i -> new byte[][] {null, Topics.L1_EVENTS.valueSerde().encode(time)});
    }

    private byte[][] readiness(final int i) {
        final ReadinessEvent event = new ReadinessEvent(CHAIN_ID, i, "https://blobs.example/proof-inputs/" + i + ".bin",
                settings.protocolVersion(), Instant.now());
        return new byte[][] {Topics.READINESS.keySerde().encode(new BatchId(CHAIN_ID, i)), Topics.READINESS.valueSerde().encode(event)};
    }

    private static byte[][] expired(final int i) {
        final BatchId batch = new BatchId(CHAIN_ID, i);
        final L1TransactionResult result = new L1TransactionResult(SubmitProofRequest.commandIdFor(batch), CHAIN_ID, i,
                L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, L1TransactionResult.Outcome.EXPIRED, null, null, null,
                "the bench's request expired unsent", Instant.now());
        return new byte[][] {Topics.L1_TX_RESULTS.keySerde().encode(batch), Topics.L1_TX_RESULTS.valueSerde().encode(result)};
    }

    private static void await(final Counter counter, final long count, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (counter.count() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (long) counter.count() + " of " + count + " " + what + " after "
                        + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** The batch states in the store, counted one by one (RocksDB's own count is an estimate). */
    private static long batchStates(final KafkaStreams streams) {
        long count = 0;
        try (var all = streams.store(StoreQueryParameters.fromNameAndType(BatchTopology.BATCH_STATE_STORE,
                QueryableStoreTypes.<BatchId, Object>keyValueStore())).all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    private static long directoryBytes(final Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (final IOException e) {
                    return 0; // a file RocksDB removed meanwhile
                }
            }).sum();
        } catch (final IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
