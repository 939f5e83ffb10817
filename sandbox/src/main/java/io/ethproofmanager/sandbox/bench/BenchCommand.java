package io.ethproofmanager.sandbox.bench;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    enum Measurement { throughput, chain, scale, demo, failover, instances, sender }

    @Option(names = "--only", split = ",", paramLabel = "MEASUREMENT",
            defaultValue = "throughput,chain,scale,demo,failover,instances,sender",
            description = "the measurements to run, comma-separated: throughput (topology and sink), chain, scale (memory), demo,"
                    + " failover (kill -9 of the L1 ingester's holder), instances (the demo on 1 and more instances),"
                    + " sender (L1 sender at a block every 2 s) (default: all)")
    private Set<Measurement> only;

    @Option(names = "--batches", defaultValue = "20000", description = "batches (records) per measurement")
    private int batches;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds of each measurement; the table shows each round and the median")
    private int rounds;

    @Option(names = "--warm-up", defaultValue = "5000",
            description = "records each throughput measurement handles before its timed records (start-up, first rebalance)")
    private int warmUp;

    @Option(names = "--backfill-events", defaultValue = "20000",
            description = "contract events of the L1 log back-fill, 4 a block with an empty block after each (0 skips it)")
    private int backfillEvents;

    @Option(names = "--chain-batches", defaultValue = "200",
            description = "batches sent to the embedded chain for the chain-side figures (0 skips them)")
    private int chainBatches;

    @Option(names = "--defaults-latency-batches", paramLabel = "N", defaultValue = "50",
            description = "batches of the acknowledge latency measured with every setting at its default (0 skips it)")
    private int defaultsLatencyBatches;

    @Option(names = "--scale-batches", paramLabel = "N", defaultValue = "100000",
            description = "batches of the memory and scale measurement, through topology and sink (0 skips it)")
    private int scaleBatches;

    @Option(names = "--scale-step", paramLabel = "N", defaultValue = "10000", description = "batches between two memory readings")
    private int scaleStep;

    @Option(names = "--scale-retention", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "memory and scale: how long finished batches' state is kept (ISO-8601; the service keeps it 7 days; over 1 minute nothing is dropped during the run)")
    private Duration scaleRetention;

    @Option(names = "--demo-batches", paramLabel = "N", defaultValue = "100",
            description = "batches of the end-to-end demo, as ./run.sh --demo-batches N --exit-when-done runs it (0 skips it)")
    private int demoBatches;

    @Option(names = "--networks", defaultValue = "valid=6,invalid=1,wrongVersion=1,refuse=1,silent=1,ignore=1",
            description = "demo: behaviour mix of the simulated Fermah and Lagrange networks (as the manager's --networks)")
    private String networks;

    @Option(names = "--failover-kills", paramLabel = "N", defaultValue = "10",
            description = "failover: kill -9 of the L1 ingester's holder, one of two instances, N times (0 skips it)")
    private int failoverKills;

    @Option(names = "--instances", split = ",", paramLabel = "N", defaultValue = "1,3",
            description = "instances: the demo (--demo-batches) on each of these numbers of instances of one deployment on this machine")
    private List<Integer> instanceCounts;

    @Option(names = "--keep-data", description = "keep the bench's temporary directory (brokers, databases, chains, the instances' logs) when it ends; it is kept, and named, when a measurement fails")
    private boolean keepData;

    @Option(names = "--seed", defaultValue = "42", description = "demo: random seed of its generated data and networks")
    private long seed;

    @Option(names = "--chain-speed", defaultValue = "20", description = "demo: seconds of chain time per second (a block a second)")
    private int chainSpeed;

    @Option(names = "--demo-proof-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "demo: the proving deadline of its proof requests (the contract accepts 121..7200)")
    private long demoProofTimeout;

    @Option(names = "--sender-requests", paramLabel = "N", defaultValue = "500",
            description = "sender: batches' proof requests through the L1 sender with 1 and 2 lanes, and through a raw web3j loop (0 skips it)")
    private int senderRequests;

    @Option(names = "--sender-pipeline-batches", paramLabel = "N", defaultValue = "500",
            description = "sender: ready batches through the whole embedded service (readiness checker, topology, sender, sink) with 1 and 2 lanes, for ready -> request_sent_to_l1 (0 skips it)")
    private int senderPipelineBatches;

    @Option(names = "--sender-max-in-flight", paramLabel = "N", defaultValue = "200",
            description = "sender: epm.l1.max-in-flight of its lanes (2 lanes also run at the service's default)")
    private int senderMaxInFlight;

    @Override
    public Integer call() throws Exception {
        if (demoBatches < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--demo-batches must not be negative");
        }
        final Path dir = Files.createTempDirectory("epm-bench-");
        final int exitCode;
        try {
            exitCode = measure(dir);
        } catch (final Exception | Error e) {
            System.out.println("bench: its data and the instances' logs are kept in " + dir);
            throw e;
        }
        if (keepData) {
            System.out.println("bench: its data is kept in " + dir);
        } else {
            deleteTree(dir);
        }
        return exitCode;
    }

    /** Deletes {@code root} and everything under it, as far as it can (a file that cannot be deleted is left). */
    private static void deleteTree(final Path root) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private int measure(final Path dir) throws Exception {
        final ManagerSettings defaults = ManagerSettings.load(Optional.empty());
        if (only.contains(Measurement.throughput)) {
            System.out.printf("bench: %d records per measurement after %d warm-up records, %d rounds, JDK %s, %d cores%n", batches,
                    warmUp, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        } else {
            System.out.printf("bench: %s, JDK %s, %d cores%n", only, Runtime.version(), Runtime.getRuntime().availableProcessors());
        }
        final BenchTable table = new BenchTable();
        if (only.contains(Measurement.throughput)) {
            measureThroughput(defaults, dir, table);
        }
        if (only.contains(Measurement.chain) && backfillEvents > 0) {
            try (BackfillBench backfill = BackfillBench.prepare(dir, backfillEvents)) {
                for (int round = 1; round <= rounds; round++) {
                    table.add(round, backfill.rawGetLogs());
                    table.add(round, backfill.ingester(round));
                }
            }
        }
        table.print(System.out);
        if (only.contains(Measurement.chain) && chainBatches > 0) {
            final Latencies latencies = new Latencies();
            new ChainBench(dir).run(chainBatches, latencies, false);
            latencies.print("L1 acknowledge tx sent (mined at once) -> eth_proof_manager row acknowledged (confirmations 0, poll 100 ms)", System.out);
        }
        if (only.contains(Measurement.chain) && defaultsLatencyBatches > 0) {
            final Latencies latencies = new Latencies();
            new ChainBench(dir).run(defaultsLatencyBatches, latencies, true);
            latencies.print("the same at default settings (epm.l1.poll-interval " + defaults.config().getDuration("epm.l1.poll-interval").toMillis() + " ms)", System.out);
        }
        if (only.contains(Measurement.scale) && scaleBatches > 0) {
            try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("scale-kafka"));
                    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("scale-postgres"));
                    Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4)) {
                database.migrate(true, defaults.chainId());
                new ScaleBench(kafka.bootstrapServers(), database, dir.resolve("scale-streams"), defaults)
                        .run(scaleBatches, Math.max(1, scaleStep), scaleRetention, System.out);
            }
        }
        if (only.contains(Measurement.sender) && senderRequests > 0) {
            System.out.printf("%nL1 sender on anvil mining a block every 2 s (evm_setIntervalMining 2, as --block-time 2), %d"
                    + " batches (one proof request each, gas limit 400000), produced at once; latency: command produced ->"
                    + " its result mined (the sender's part of ready -> request_sent_to_l1):%n", senderRequests);
            new SenderBench(dir).run(senderRequests, senderMaxInFlight, System.out);
        }
        if (only.contains(Measurement.sender) && senderPipelineBatches > 0) {
            System.out.printf("%nthe same through the whole pipeline (the embedded service; ready batches seeded at once into the"
                    + " rollup's table), %d batches, anvil mining a block every 2 s:%n", senderPipelineBatches);
            for (final int lanes : List.of(1, 2)) {
                new SenderPipelineBench(dir).run(senderPipelineBatches, lanes, senderMaxInFlight, System.out);
            }
        }
        boolean allDone = true;
        if (only.contains(Measurement.failover) && failoverKills > 0) {
            FailoverBench.print(new FailoverBench(dir).run(ManagerSettings.loadConfig(Optional.empty()), failoverKills), System.out);
        }
        final DemoBench.Options options = new DemoBench.Options(demoBatches, networks, seed, chainSpeed, demoProofTimeout);
        if (only.contains(Measurement.demo) && demoBatches > 0) {
            final DemoBench.Result result = new DemoBench(dir).run(ManagerSettings.loadConfig(Optional.empty()), options);
            DemoBench.print(options, result, System.out);
            allDone &= result.done();
        }
        if (only.contains(Measurement.instances) && demoBatches > 0) {
            final List<DemoBench.Result> results = new java.util.ArrayList<>();
            for (final int instances : instanceCounts) {
                final DemoBench.Result result = new DemoBench(dir).run(ManagerSettings.loadConfig(Optional.empty()), options, instances);
                DemoBench.print(options, result, System.out);
                results.add(result);
                allDone &= result.done();
            }
            DemoBench.printInstances(results, System.out);
        }
        return allDone ? 0 : 2;
    }

    private void measureThroughput(final ManagerSettings defaults, final Path dir, final BenchTable table) throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4)) {
            database.migrate(true, defaults.chainId());
            final TopologyBench topology = new TopologyBench(kafka.bootstrapServers(), dir.resolve("streams"), defaults, warmUp);
            final SinkBench sink = new SinkBench(kafka.bootstrapServers(), database, defaults, warmUp);
            for (int round = 1; round <= rounds; round++) {
                table.add(round, topology.passThrough(batches, round));
                table.add(round, topology.equalWork(batches, round));
                table.add(round, topology.batchTopology(batches, round));
                table.add(round, sink.rawJdbc(batches, round));
                table.add(round, sink.postgresSink(batches, round));
            }
        }
    }

    /**
     * One measured figure.
     *
     * @param tag the short name other figures compare themselves with ("A"), or empty when none does
     * @param name what was measured
     * @param records records (rows, events) in the measured interval
     * @param nanos the measured interval
     * @param startUp the time from start to the end of the warm-up (start-up, topic and changelog creation, first
     *     rebalance), kept out of {@code nanos}; empty where there is none
     * @param baselines the tags of the figures of the same round this one is compared with
     */
    record Figure(String tag, String name, long records, long nanos, Optional<Duration> startUp, List<String> baselines) {

        /** A baseline (or a figure that nothing compares with) without start-up. */
        static Figure of(final String tag, final String name, final long records, final long nanos) {
            return new Figure(tag, name, records, nanos, Optional.empty(), List.of());
        }

        Figure withStartUp(final Duration time) {
            return new Figure(tag, name, records, nanos, Optional.of(time), baselines);
        }

        Figure comparedWith(final String... tags) {
            return new Figure(tag, name, records, nanos, startUp, List.of(tags));
        }

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

        double percentileMillis(final double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        void print(final String name, final java.io.PrintStream out) {
            out.printf("%n%s: %d samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", name, histogram.getTotalCount(),
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                    histogram.getMaxValue() / 1000.0);
            out.flush();
        }
    }

    /** The printed result: every round's figures with their ratio to their baselines, then the medians over the rounds. */
    static final class BenchTable {

        private final List<Map.Entry<Integer, Figure>> rows = new java.util.ArrayList<>();

        void add(final int round, final Figure figure) {
            rows.add(Map.entry(round, figure));
        }

        void add(final int round, final List<Figure> figures) {
            figures.forEach(figure -> add(round, figure));
        }

        void print(final java.io.PrintStream out) {
            if (rows.isEmpty()) {
                return;
            }
            out.println();
            out.printf("%-5s %-74s %8s %8s %10s %10s  %s%n", "round", "measurement", "records", "seconds", "records/s", "start-up s",
                    "ratio to baseline (same round)");
            for (final Map.Entry<Integer, Figure> row : rows) {
                final Figure f = row.getValue();
                final Map<String, Double> baselines = new java.util.HashMap<>();
                rows.stream().filter(other -> other.getKey().equals(row.getKey())).map(Map.Entry::getValue)
                        .forEach(other -> baselines.put(other.tag(), other.perSecond()));
                out.printf("%-5d %-74s %8d %8.2f %10.0f %10s  %s%n", row.getKey(), label(f), f.records(), f.nanos() / 1e9,
                        f.perSecond(), f.startUp().map(d -> String.format("%.2f", d.toNanos() / 1e9)).orElse("-"),
                        ratios(f, f.perSecond(), baselines));
            }
            final java.util.LinkedHashMap<String, List<Figure>> byName = new java.util.LinkedHashMap<>();
            rows.forEach(row -> byName.computeIfAbsent(label(row.getValue()), n -> new java.util.ArrayList<>()).add(row.getValue()));
            final Map<String, Double> medians = new java.util.HashMap<>();
            byName.values().forEach(figures -> medians.put(figures.getFirst().tag(), median(figures.stream().mapToDouble(Figure::perSecond))));
            final int rounds = (int) rows.stream().map(Map.Entry::getKey).distinct().count();
            out.println();
            out.printf("%-5s %-74s %8s %8s %10s %10s  %s%n", "", "median over " + rounds + " round(s)", "", "", "records/s",
                    "start-up s", "ratio of the medians");
            byName.forEach((name, figures) -> {
                final Figure first = figures.getFirst();
                final double startUp = median(figures.stream().flatMap(f -> f.startUp().stream()).mapToDouble(d -> d.toNanos() / 1e9));
                out.printf("%-5s %-74s %8s %8s %10.0f %10s  %s%n", "median", name, "", "", medians.get(first.tag()),
                        Double.isNaN(startUp) ? "-" : String.format("%.2f", startUp), ratios(first, medians.get(first.tag()), medians));
            });
            out.flush();
        }

        private static String label(final Figure figure) {
            return figure.tag().isEmpty() ? figure.name() : "[" + figure.tag() + "] " + figure.name();
        }

        private static String ratios(final Figure figure, final double perSecond, final Map<String, Double> perSecondByTag) {
            return figure.baselines().stream().filter(perSecondByTag::containsKey)
                    .map(tag -> String.format("%.0f %% of [%s]", 100 * perSecond / perSecondByTag.get(tag), tag))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        static double median(final java.util.stream.DoubleStream values) {
            final double[] sorted = values.sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
    }
}
