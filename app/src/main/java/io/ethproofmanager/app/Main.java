package io.ethproofmanager.app;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service's command line, as a production image runs it: the manager on the configured Kafka cluster, PostgreSQL and
 * L1, until SIGTERM. (The sandbox's command line, {@code ./run.sh}, adds embedded servers, the demo and benchmarks.)
 */
@Command(name = "eth-proof-manager", mixinStandardHelpOptions = true, version = "eth-proof-manager 0.1.0",
        description = "Hands a ZK rollup's batches to external proving networks through the L1 proof manager contract.")
public final class Main implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file (HOCON or JSON) over the defaults; see README for every key and its environment variable")
    private Path config;

    public static void main(final String[] args) {
        System.exit(commandLine(new Main()).execute(args));
    }

    /** A command line that logs a failed run with its cause and exits with 1. */
    public static CommandLine commandLine(final Object command) {
        final CommandLine commandLine = new CommandLine(command);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            LOG.error("eth-proof-manager failed: {}", exception.getMessage(), exception);
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        final ManagerSettings settings = ManagerSettings.load(Optional.ofNullable(config));
        final ProofManagerService service = ProofManagerService.start(settings);
        runUntilShutdown(service);
        return 0;
    }

    /** Waits for the JVM's shutdown (SIGTERM, SIGINT), then closes {@code running}: sources first, sinks last. */
    public static void runUntilShutdown(final AutoCloseable running) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            try {
                running.close();
            } catch (final Exception e) {
                LOG.warn("shutting down failed: {}", e.toString());
            } finally {
                stopped.countDown();
            }
        }, "epm-shutdown"));
        stopped.await();
    }
}
