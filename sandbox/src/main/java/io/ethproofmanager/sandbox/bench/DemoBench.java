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
import java.util.List;
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

    /**
     * The measured run: the service's start-up time (of every instance), the demo's summary, whether every batch reached a
     * final status, and how many instances of the deployment ran it.
     */
    record Result(Duration startUp, DemoSummary summary, boolean done, int instances) {
    }

    private static final Duration PEER_START_TIMEOUT = Duration.ofSeconds(180);

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
        return run(defaults, options, 1);
    }

    /**
     * The demo on {@code instances} instances of one deployment on the same machine: the first in this JVM with the
     * embedded servers and the demo (as {@code ./run.sh}), the others each the production service in a JVM of its own
     * with the first one's settings (their own instance id and data directory; the blob stores the first one's
     * directories), all ready before the batches are seeded.
     */
    Result run(final Config defaults, final Options options, final int instances) throws InterruptedException {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, was " + instances);
        }
        final Config settings = settings(defaults, dir.resolve(instances == 1 ? "demo" : "demo-" + instances + "-instances"));
        if (!settings.getString("epm.l1.rpc-url").isBlank()) {
            throw new IllegalStateException("the demo measurement needs the embedded chain (epm.l1.rpc-url empty) for its simulated networks");
        }
        final long startNanos = System.nanoTime();
        try (LocalManager manager = LocalManager.start(settings,
                s -> s.withProofTimeout(Duration.ofSeconds(options.proofTimeoutSeconds())))) {
            try (ManagerPeers peers = ManagerPeers.start(peerSettings(manager, options),
                    dir.resolve("demo-" + instances + "-instances-peers"), peerIds(instances))) {
                peers.awaitReady(PEER_START_TIMEOUT);
                if (instances > 1) {
                    final Map<String, List<String>> onPeers = new java.util.LinkedHashMap<>();
                    peers.holders().forEach((role, jvms) -> onPeers.put(role, jvms.stream()
                            .map(io.ethproofmanager.sandbox.simulate.ManagerJvm::name).toList()));
                    System.out.printf("demo on %d instances: source roles held by the instances in JVMs of their own: %s"
                            + " (a role without one is held in this JVM)%n", instances, onPeers);
                }
                final Duration startUp = Duration.ofNanos(System.nanoTime() - startNanos);
                try (DemoRun demo = DemoRun.start(manager.service(), manager.localChain(), options.batches(), options.seed(),
                        Optional.of(options.networks()), options.chainSpeed())) {
                    final boolean done = demo.awaitAllFinal();
                    return new Result(startUp, demo.summary(), done, instances);
                }
            }
        }
    }

    private static List<String> peerIds(final int instances) {
        return java.util.stream.IntStream.rangeClosed(2, instances).mapToObj(i -> "demo-instance-" + i).toList();
    }

    /** The in-process instance's settings, for its peers: the same deployment, servers, chain and blob directories. */
    private static Config peerSettings(final LocalManager manager, final Options options) {
        final Config own = manager.settings().config();
        final Path dataDir = manager.service().endpoints().dataDir();
        final Map<String, Object> shared = Map.of(
                "epm.blob-stores.rollup.path", blobPath(own, "rollup", dataDir),
                "epm.blob-stores.public.path", blobPath(own, "public", dataDir),
                "epm.proof-request.timeout-after", options.proofTimeoutSeconds() + "s");
        return ConfigFactory.parseMap(shared).withFallback(own.withOnlyPath("epm")).resolve();
    }

    private static String blobPath(final Config config, final String store, final Path dataDir) {
        final String path = config.getString("epm.blob-stores." + store + ".path");
        return path.isBlank() ? dataDir.resolve("blobs").resolve(store).toString() : path;
    }

    static void print(final Options options, final Result result, final PrintStream out) {
        final DemoSummary summary = result.summary();
        out.printf("%ndemo end to end%s: %d batches, networks %s, seed %d, chain speed %d, proof timeout %d s%s%n",
                result.instances() == 1 ? "" : " on " + result.instances() + " instances (1 in this JVM, "
                        + (result.instances() - 1) + " in JVMs of their own)", summary.batches(),
                options.networks(), options.seed(), options.chainSpeed(), options.proofTimeoutSeconds(),
                result.done() ? "" : " -- NOT every batch reached a final status");
        out.printf("  %-54s %9.2f s%n", result.instances() == 1 ? "service start-up (embedded Kafka, PostgreSQL, anvil)"
                : "start-up of every instance (and the embedded servers)", seconds(result.startUp()));
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

    /** The demo's throughput on each number of instances, side by side. */
    static void printInstances(final List<Result> results, final PrintStream out) {
        out.printf("%ndemo throughput by instances on this machine (%d cores): seeding -> last batch final%n",
                Runtime.getRuntime().availableProcessors());
        for (final Result result : results) {
            final DemoSummary summary = result.summary();
            out.printf("  %d instance(s): %d batches, %s, %s, ready -> any final p50 %s%s%n", result.instances(),
                    summary.batches(),
                    summary.seedingToLastFinal().map(wall -> String.format("%.2f s", seconds(wall))).orElse("-"),
                    summary.batchesPerSecond().map(rate -> String.format("%.2f batches/s", rate)).orElse("-"),
                    summary.readyToFinal().count() == 0 ? "-" : String.format("%.1f s", seconds(summary.readyToFinal().p50())),
                    result.done() ? "" : " -- NOT every batch reached a final status");
        }
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
