package io.ethproofmanager.app.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.connectors.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: measures the topology and the Postgres sink on the embedded broker and database, beside baselines. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure topology records/s beside a pass-through Streams app, and Postgres sink rows/s beside a raw batched JDBC upsert loop.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--batches", defaultValue = "20000", description = "batches (records) per measurement")
    private int batches;

    @Option(names = "--rounds", defaultValue = "2", description = "rounds of each measurement; the table shows each round")
    private int rounds;

    @Option(names = "--chain-batches", defaultValue = "200",
            description = "batches sent to the embedded chain for the chain-side figures (0 skips them)")
    private int chainBatches;

    @Override
    public Integer call() throws Exception {
        final ManagerSettings defaults = ManagerSettings.load(Optional.empty());
        final Path dir = Files.createTempDirectory("epm-bench-");
        System.out.printf("bench: %d records per measurement, %d rounds, JDK %s, %d cores%n", batches, rounds,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4)) {
            database.migrate(true);
            final TopologyBench topology = new TopologyBench(kafka.bootstrapServers(), dir.resolve("streams"), defaults);
            final SinkBench sink = new SinkBench(kafka.bootstrapServers(), database, defaults);
            final BenchTable table = new BenchTable();
            for (int round = 1; round <= rounds; round++) {
                table.add(round, topology.passThrough(batches, round));
                table.add(round, topology.batchTopology(batches, round));
                table.add(round, sink.rawJdbcUpsert(batches, round));
                table.add(round, sink.postgresSink(batches, round));
            }
            if (chainBatches > 0) {
                final Latencies latencies = new Latencies();
                new ChainBench(dir).run(chainBatches, latencies).forEach(figure -> table.add(1, figure));
                table.print(System.out);
                latencies.print("L1 acknowledge tx sent (mined at once) -> eth_proof_manager row acknowledged (confirmations 0, poll 100 ms)", System.out);
                return 0;
            }
            table.print(System.out);
        }
        return 0;
    }

    /** One measured figure. */
    record Figure(String name, long records, long nanos) {

        double perSecond() {
            return records / (nanos / 1e9);
        }
    }

    /** Latency samples and their percentiles. */
    static final class Latencies {

        private final org.HdrHistogram.Histogram histogram = new org.HdrHistogram.Histogram(3);

        void add(final long nanos) {
            histogram.recordValue(Math.max(1, nanos / 1_000));
        }

        void print(final String name, final java.io.PrintStream out) {
            out.printf("%n%s: %d samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", name, histogram.getTotalCount(),
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                    histogram.getMaxValue() / 1000.0);
            out.flush();
        }
    }

    /** The printed result. */
    static final class BenchTable {

        private final List<Object[]> rows = new java.util.ArrayList<>();

        void add(final int round, final Figure figure) {
            rows.add(new Object[] {round, figure});
        }

        void print(final java.io.PrintStream out) {
            out.println();
            out.printf("%-5s %-66s %9s %9s %12s%n", "round", "measurement", "records", "seconds", "records/s");
            for (final Object[] row : rows) {
                final Figure f = (Figure) row[1];
                out.printf("%-5d %-66s %9d %9.2f %12.0f%n", (int) row[0], f.name(), f.records(), f.nanos() / 1e9, f.perSecond());
            }
            out.flush();
        }
    }
}
