package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.devkit.embedded.OrderedShutdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** An anvil node (the pinned npm binary) run as a child process on a free local port, its output in a temporary log file. */
public final class AnvilProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnvilProcess.class);
    static final Path ANVIL_IN_REPO = Path.of("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final OrderedShutdown.Hook shutdownHook;

    private AnvilProcess(final Process process, final int port, final Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        // kills anvil when the JVM exits without closing it, after the application's own ordered shutdown
        this.shutdownHook = OrderedShutdown.lastResort("anvil-shutdown-" + port, process::destroyForcibly);
    }

    /** Starts anvil with chain id {@code chainId} on a free port and waits until it answers {@code eth_blockNumber}. */
    public static AnvilProcess start(final long chainId, final Duration startupTimeout) {
        return start(chainId, 0, startupTimeout);
    }

    /** Starts anvil with chain id {@code chainId} on {@code requestedPort} (0 = a free port) and waits until it answers. */
    public static AnvilProcess start(final long chainId, final int requestedPort, final Duration startupTimeout) {
        return start(chainId, requestedPort, startupTimeout, List.of());
    }

    /**
     * Starts anvil with chain id {@code chainId} on {@code requestedPort} (0 = a free port) with further command line
     * arguments (e.g. {@code --prune-history}) and waits until it answers.
     */
    public static AnvilProcess start(final long chainId, final int requestedPort, final Duration startupTimeout,
            final List<String> extraArguments) {
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        final Path anvil = anvilBinary();
        final int port = requestedPort == 0 ? freePort() : requireFree(requestedPort);
        final Path logFile = createLogFile(port);
        final List<String> command = new java.util.ArrayList<>(List.of(anvil.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--chain-id", Long.toString(chainId)));
        command.addAll(extraArguments);
        final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        final AnvilProcess node = new AnvilProcess(launch(builder, anvil), port, logFile);
        node.awaitReady(startupTimeout);
        return node;
    }

    private static int requireFree(final int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new IllegalStateException("port " + port + " for the local anvil node is taken (is another manager or node running?);"
                    + " choose another with epm.l1.embedded-port / EPM_L1_EMBEDDED_PORT, or 0 for any free port", e);
        }
    }

    /** The anvil binary installed by scripts/ensure-node-tools.sh under the repository root. */
    static Path anvilBinary() {
        final Path root = RepositoryRoot.find();
        final Path anvil = root.resolve(ANVIL_IN_REPO);
        if (!Files.isExecutable(anvil)) {
            throw new IllegalStateException("anvil not found at " + anvil
                    + "; run scripts/ensure-node-tools.sh in " + root + " to install the pinned node tools");
        }
        return anvil;
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("anvil on port {} did not stop within {} ms; killing it", port, STOP_TIMEOUT.toMillis());
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeShutdownHook();
        deleteLog();
        LOG.info("anvil on port {} stopped", port);
    }

    private void deleteLog() {
        try {
            Files.deleteIfExists(logFile);
        } catch (final IOException e) {
            LOG.warn("cannot delete anvil log {}: {}", logFile, e.getMessage());
        }
    }

    private void awaitReady(final Duration timeout) {
        final long began = System.nanoTime();
        final long deadline = began + timeout.toNanos();
        final Web3j probe = Web3j.build(new HttpService(rpcUrl()));
        try {
            while (blockNumber(probe).isEmpty()) {
                failIfExited(timeout);
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("anvil did not answer eth_blockNumber on " + rpcUrl() + " within "
                            + timeout.toMillis() + " ms; see " + logFile);
                }
                sleep(POLL_INTERVAL);
            }
        } finally {
            probe.shutdown();
        }
        LOG.info("anvil up on {} in {} ms, log in {}", rpcUrl(), (System.nanoTime() - began) / 1_000_000, logFile);
    }

    private void failIfExited(final Duration timeout) {
        if (!process.isAlive()) {
            removeShutdownHook();
            throw new IllegalStateException("anvil exited with code " + process.exitValue() + " before answering eth_blockNumber on "
                    + rpcUrl() + " (waited up to " + timeout.toMillis() + " ms); output: " + tail(logFile));
        }
    }

    private void removeShutdownHook() {
        shutdownHook.remove();
    }

    private static Optional<Long> blockNumber(final Web3j web3j) {
        try {
            return Optional.of(web3j.ethBlockNumber().send().getBlockNumber().longValueExact());
        } catch (final IOException | RuntimeException notYet) {
            return Optional.empty();
        }
    }

    private static Process launch(final ProcessBuilder builder, final Path anvil) {
        try {
            return builder.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + anvil, e);
        }
    }

    private static Path createLogFile(final int port) {
        try {
            return Files.createTempFile("anvil-" + port + "-", ".log");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a log file for anvil", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot find a free local port for anvil", e);
        }
    }

    private static String tail(final Path file) {
        try {
            final List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (final IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for anvil to answer", e);
        }
    }
}
