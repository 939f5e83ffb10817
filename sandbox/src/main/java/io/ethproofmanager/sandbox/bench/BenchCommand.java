package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: measures the topology and the Postgres sink on the embedded broker and database, beside baselines; the
 * chain side; and the demo end to end.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure topology records/s beside a pass-through Streams app, and Postgres sink rows/s beside a raw batched JDBC upsert loop;",
                "the chain side (log back-fill, acknowledge latency); and the demo end to end (wall time, ready -> validated percentiles)."})
public final class BenchCommand implements Callable<Integer> {

    /** The measurements {@code --only} chooses from (lower case: they are typed on the command line). */
    enum Measurement { throughput, chain, demo }

    @Option(names = "--only", split = ",", paramLabel = "MEASUREMENT", defaultValue = "throughput,chain,demo",
            description = "the measurements to run, comma-separated: throughput (topology and sink), chain, demo (default: all)")
    private Set<Measurement> only;

    @Option(names = "--batches", defaultValue = "20000", description = "batches (records) per measurement")
    private int batches;

    @Option(names = "--rounds", defaultValue = "2", description = "rounds of each measurement; the table shows each round")
    private int rounds;

    @Option(names = "--chain-batches", defaultValue = "200",
            description = "batches sent to the embedded chain for the chain-side figures (0 skips them)")
    private int chainBatches;

    @Option(names = "--demo-batches", paramLabel = "N", defaultValue = "100",
            description = "batches of the end-to-end demo, as ./run.sh --demo-batches N --exit-when-done runs it (0 skips it)")
    private int demoBatches;

    @Option(names = "--networks", defaultValue = "valid=6,invalid=1,wrongVersion=1,refuse=1,silent=1,ignore=1",
            description = "demo: behaviour mix of the simulated Fermah and Lagrange networks (as the manager's --networks)")
    private String networks;

    @Option(names = "--seed", defaultValue = "42", description = "demo: random seed of its generated data and networks")
    private long seed;

    @Option(names = "--chain-speed", defaultValue = "20", description = "demo: seconds of chain time per second (a block a second)")
    private int chainSpeed;

    @Option(names = "--demo-proof-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "demo: the proving deadline of its proof requests (the contract accepts 121..7200)")
    private long demoProofTimeout;

    @Override
    public Integer call() throws Exception {
        if (demoBatches < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--demo-batches must not be negative");
        }
        final ManagerSettings defaults = ManagerSettings.load(Optional.empty());
        final Path dir = Files.createTempDirectory("epm-bench-");
        if (only.contains(Measurement.throughput)) {
            System.out.printf("bench: %d records per measurement, %d rounds, JDK %s, %d cores%n", batches, rounds,
                    Runtime.version(), Runtime.getRuntime().availableProcessors());
        } else {
            System.out.printf("bench: %s, JDK %s, %d cores%n", only, Runtime.version(), Runtime.getRuntime().availableProcessors());
        }
        final BenchTable table = new BenchTable();
        if (only.contains(Measurement.throughput)) {
            measureThroughput(defaults, dir, table);
        }
        if (only.contains(Measurement.chain) && chainBatches > 0) {
            final Latencies latencies = new Latencies();
            new ChainBench(dir).run(chainBatches, latencies).forEach(figure -> table.add(1, figure));
            table.print(System.out);
            latencies.print("L1 acknowledge tx sent (mined at once) -> eth_proof_manager row acknowledged (confirmations 0, poll 100 ms)", System.out);
        } else if (only.contains(Measurement.throughput)) {
            table.print(System.out);
        }
        if (only.contains(Measurement.demo) && demoBatches > 0) {
            final DemoBench.Options options = new DemoBench.Options(demoBatches, networks, seed, chainSpeed, demoProofTimeout);
            final DemoBench.Result result = new DemoBench(dir).run(ManagerSettings.loadConfig(Optional.empty()), options);
            DemoBench.print(options, result, System.out);
            return result.done() ? 0 : 2;
        }
        return 0;
    }

    private void measureThroughput(final ManagerSettings defaults, final Path dir, final BenchTable table) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4)) {
            database.migrate(true);
            final TopologyBench topology = new TopologyBench(kafka.bootstrapServers(), dir.resolve("streams"), defaults);
            final SinkBench sink = new SinkBench(kafka.bootstrapServers(), database, defaults);
            for (int round = 1; round <= rounds; round++) {
                table.add(round, topology.passThrough(batches, round));
                table.add(round, topology.batchTopology(batches, round));
                table.add(round, sink.rawJdbcUpsert(batches, round));
                table.add(round, sink.postgresSink(batches, round));
            }
        }
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
