package io.ethproofmanager.sandbox.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.sandbox.DemoRun;
import io.ethproofmanager.sandbox.DemoSummary;
import io.ethproofmanager.sandbox.LocalManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The demo end to end, as the manager runs it with {@code --demo-batches N --exit-when-done}: the whole service on
 * embedded defaults with the simulated networks and the fast chain clock; timed from the service start, and from seeding
 * to the last batch's final status.
 */
final class DemoBench {

    /** What the demo is run with; the defaults are those of the manager's own demo options. */
    record Options(int batches, String networks, long seed, int chainSpeed, long proofTimeoutSeconds) {
    }

    /** The measured run: the service's start-up time, the demo's summary, and whether every batch reached a final status. */
    record Result(Duration startUp, DemoSummary summary, boolean done) {
    }

    private final Path dir;

    DemoBench(final Path dir) {
        this.dir = dir;
    }

    /**
     * The settings the demo runs with: {@code defaults} with free ports for anvil and the HTTP endpoints and a data
     * directory of its own, so that it does not clash with a manager running beside it.
     */
    static Config settings(final Config defaults, final Path dataDir) {
        return ConfigFactory.parseMap(Map.of("epm.http.port", 0, "epm.sandbox.anvil-port", 0, "epm.data-dir", dataDir.toString()))
                .withFallback(defaults).resolve();
    }

    Result run(final Config defaults, final Options options) throws InterruptedException {
        final Config settings = settings(defaults, dir.resolve("demo"));
        if (!settings.getString("epm.l1.rpc-url").isBlank()) {
            throw new IllegalStateException("the demo measurement needs the embedded chain (epm.l1.rpc-url empty) for its simulated networks");
        }
        final long startNanos = System.nanoTime();
        try (LocalManager manager = LocalManager.start(settings,
                s -> s.withProofTimeout(Duration.ofSeconds(options.proofTimeoutSeconds())))) {
            final Duration startUp = Duration.ofNanos(System.nanoTime() - startNanos);
            try (DemoRun demo = DemoRun.start(manager.service(), manager.localChain(), options.batches(), options.seed(),
                    Optional.of(options.networks()), options.chainSpeed())) {
                final boolean done = demo.awaitAllFinal();
                return new Result(startUp, demo.summary(), done);
            }
        }
    }

    static void print(final Options options, final Result result, final PrintStream out) {
        final DemoSummary summary = result.summary();
        out.printf("%ndemo end to end: %d batches, networks %s, seed %d, chain speed %d, proof timeout %d s%s%n", summary.batches(),
                options.networks(), options.seed(), options.chainSpeed(), options.proofTimeoutSeconds(),
                result.done() ? "" : " -- NOT every batch reached a final status");
        out.printf("  %-54s %9.2f s%n", "service start-up (embedded Kafka, PostgreSQL, anvil)", seconds(result.startUp()));
        summary.seedingToLastFinal().ifPresentOrElse(
                wall -> out.printf("  %-54s %9.2f s %9.2f batches/s%n", "wall: seeding -> last batch final (status topic)",
                        seconds(wall), summary.batchesPerSecond().orElse(0.0)),
                () -> out.printf("  %-54s %9s%n", "wall: seeding -> last batch final (status topic)", "-"));
        out.printf("  final status (PostgreSQL):%n");
        final Map<String, Integer> byStatus = summary.countsByStatus();
        byStatus.forEach((status, count) -> out.printf("    %-30s %5d%s%n", status, count, detail(status, summary)));
        out.printf("    %-30s %5d%n", "total", byStatus.values().stream().mapToInt(Integer::intValue).sum());
        out.printf("  per network (PostgreSQL): %s%n", summary.countsByNetwork().entrySet().stream()
                .map(e -> ("-".equals(e.getKey()) ? "none assigned" : e.getKey()) + ": " + e.getValue().entrySet().stream()
                        .map(s -> s.getKey() + " " + s.getValue()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; ")));
        out.println("  latency (ready record time -> final record time, or when seen on the status topic if earlier):");
        print("ready -> validation result on L1", summary.readyToValidated(), out);
        summary.readyToFallenBackSamples().forEach((reason, samples) ->
                print("ready -> fallen back (" + reason + ")", DemoSummary.Latency.of(samples), out));
        print("ready -> any final status", summary.readyToFinal(), out);
        out.flush();
    }

    private static String detail(final String status, final DemoSummary summary) {
        final Map<String, Integer> parts = switch (status) {
            case "validation_result_sent_to_l1" -> summary.countsByValidation();
            case "fallen_back" -> summary.countsByFallbackReason();
            default -> Map.of();
        };
        return parts.isEmpty() ? "" : "   (" + parts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static void print(final String name, final DemoSummary.Latency latency, final PrintStream out) {
        if (latency.count() == 0) {
            out.printf("    %-44s %4d batches%n", name, 0);
            return;
        }
        out.printf("    %-44s %4d batches  p50 %6.1f s  p99 %6.1f s  max %6.1f s%n", name, latency.count(),
                seconds(latency.p50()), seconds(latency.p99()), seconds(latency.max()));
    }

    private static double seconds(final Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
