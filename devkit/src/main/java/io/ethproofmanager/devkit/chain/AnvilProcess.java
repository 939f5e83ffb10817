package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.devkit.embedded.OrderedShutdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * An anvil node (the pinned npm binary) run as a child process on a free local port, its output in a temporary log file;
 * or, with {@link #startIn}, a node whose chain lives in a directory: its state dumped there every second and on exit
 * and loaded at the next start, and a node left running by a process that died adopted rather than started again.
 */
public final class AnvilProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnvilProcess.class);
    static final Path ANVIL_IN_REPO = Path.of("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Past states anvil keeps on disk (under ~/.foundry/anvil/tmp) once those it keeps in memory are full: unbounded by
     * default, ~1.2 MB a block, and left behind when the node is killed; a long simulation grew it past 6 GB.
     */
    private static final List<String> PERSISTED_HISTORY = List.of("--max-persisted-states", "256");

    /** In a chain directory: the node's pid and URL, its dumped state, its log, and the lock its owner holds. */
    static final String PID_FILE = "anvil.pid";
    static final String URL_FILE = "rpc-url";
    static final String STATE_FILE = "state.json";
    static final String LOG_FILE = "anvil.log";
    static final String OWNER_LOCK_FILE = "owner.lock";

    private final ProcessHandle process;
    private final Optional<Process> child;
    private final int port;
    private final Path logFile;
    private final boolean temporaryLog;
    private final Optional<ChainDirectory> directory;
    private final OrderedShutdown.Hook shutdownHook;

    private AnvilProcess(final ProcessHandle process, final Optional<Process> child, final int port, final Path logFile,
            final boolean temporaryLog, final Optional<ChainDirectory> directory) {
        this.process = process;
        this.child = child;
        this.port = port;
        this.logFile = logFile;
        this.temporaryLog = temporaryLog;
        this.directory = directory;
        // stops anvil when the JVM exits without closing it, after the application's own ordered shutdown (SIGTERM: a
        // node with a chain directory dumps its state on the way out)
        this.shutdownHook = OrderedShutdown.lastResort("anvil-shutdown-" + port, process::destroy);
    }

    /** A chain directory this process owns (its lock held) while the node runs. */
    private record ChainDirectory(Path path, FileChannel lockChannel, FileLock lock) {

        void release() {
            try {
                Files.deleteIfExists(path.resolve(PID_FILE));
                lock.release();
                lockChannel.close();
            } catch (final IOException e) {
                LOG.warn("cannot release the chain directory {}: {}", path, e.getMessage());
            }
        }
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
        if (!extraArguments.contains("--prune-history")) { // which keeps no state on disk, and refuses the bound
            command.addAll(PERSISTED_HISTORY);
        }
        command.addAll(extraArguments);
        final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        final Process launched = launch(builder, anvil);
        final AnvilProcess node = new AnvilProcess(launched.toHandle(), Optional.of(launched), port, logFile, true, Optional.empty());
        node.awaitReady(startupTimeout);
        return node;
    }

    /**
     * A node whose chain lives in {@code dir}: the node a process that died left running there (its pid file names a
     * live anvil that answers at the URL file's address) is adopted; otherwise anvil starts with chain id
     * {@code chainId} on {@code requestedPort} (0 = a free port), loading {@code dir}'s dumped state when there is one and
     * dumping it every second and on exit. Fails when another live process owns {@code dir}.
     */
    public static AnvilProcess startIn(final Path dir, final long chainId, final int requestedPort, final Duration startupTimeout) {
        final ChainDirectory directory = lock(dir);
        try {
            final Optional<AnvilProcess> adopted = adoptLeftover(directory, startupTimeout);
            if (adopted.isPresent()) {
                return adopted.get();
            }
            final Path anvil = anvilBinary();
            final int port = requestedPort == 0 ? freePort() : requireFree(requestedPort);
            final Path logFile = dir.resolve(LOG_FILE);
            final boolean resumed = Files.exists(dir.resolve(STATE_FILE));
            final List<String> command = new java.util.ArrayList<>(List.of(anvil.toString(), "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--chain-id", Long.toString(chainId),
                    "--state", dir.resolve(STATE_FILE).toString(), "--state-interval", "1"));
            command.addAll(PERSISTED_HISTORY);
            final ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            final Process launched = launch(builder, anvil);
            final AnvilProcess node = new AnvilProcess(launched.toHandle(), Optional.of(launched), port, logFile, false,
                    Optional.of(directory));
            node.awaitReady(startupTimeout);
            writeAtomically(dir.resolve(PID_FILE), Long.toString(launched.pid()));
            writeAtomically(dir.resolve(URL_FILE), node.rpcUrl());
            LOG.info("anvil keeps its chain in {}{}", dir, resumed ? " (resumed from its dumped state)" : "");
            return node;
        } catch (final RuntimeException e) {
            directory.release();
            throw e;
        }
    }

    /** Whether this node's chain was there before it: adopted from a process that died, or loaded from a dump. */
    private static Optional<AnvilProcess> adoptLeftover(final ChainDirectory directory, final Duration startupTimeout) {
        final Optional<ProcessHandle> leftover = readPid(directory.path().resolve(PID_FILE))
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("anvil")).orElse(false));
        if (leftover.isEmpty()) {
            return Optional.empty();
        }
        final Optional<Integer> port = readUrlPort(directory.path().resolve(URL_FILE));
        if (port.isPresent()) {
            final AnvilProcess node = new AnvilProcess(leftover.get(), Optional.empty(), port.get(),
                    directory.path().resolve(LOG_FILE), false, Optional.of(directory));
            final Web3j probe = Web3j.build(new HttpService(node.rpcUrl()));
            try {
                if (blockNumber(probe).isPresent()) {
                    LOG.warn("adopted the anvil (pid {}) on {} that a process that died left running with the chain of {}",
                            leftover.get().pid(), node.rpcUrl(), directory.path());
                    return Optional.of(node);
                }
            } finally {
                probe.shutdown();
            }
            node.shutdownHook.remove();
        }
        LOG.warn("the anvil (pid {}) left running on {} does not answer; stopping it and starting from the dumped state",
                leftover.get().pid(), directory.path());
        leftover.get().destroyForcibly();
        leftover.get().onExit().orTimeout(startupTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
        return Optional.empty();
    }

    private static ChainDirectory lock(final Path dir) {
        try {
            Files.createDirectories(dir);
            final FileChannel channel = FileChannel.open(dir.resolve(OWNER_LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (final OverlappingFileLockException heldHere) {
                channel.close();
                throw new IllegalStateException("the chain directory " + dir + " is in use in this process");
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("the chain directory " + dir + " is in use by another live process (is another"
                        + " manager running on the same data directory?)");
            }
            return new ChainDirectory(dir, channel, lock);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot lock the chain directory " + dir, e);
        }
    }

    private static Optional<Long> readPid(final Path file) {
        try {
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim())) : Optional.empty();
        } catch (final IOException | NumberFormatException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<Integer> readUrlPort(final Path file) {
        try {
            final String url = Files.readString(file, StandardCharsets.UTF_8).trim();
            return Optional.of(java.net.URI.create(url).getPort()).filter(p -> p > 0);
        } catch (final IOException | IllegalArgumentException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static void writeAtomically(final Path file, final String text) {
        try {
            final Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(temporary, text + System.lineSeparator(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static int requireFree(final int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new IllegalStateException("port " + port + " for the local anvil node is taken (is another manager or node running?);"
                    + " choose another with epm.sandbox.anvil-port / EPM_SANDBOX_ANVIL_PORT, or 0 for any free port", e);
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
            process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("anvil on port {} did not stop within {} ms; killing it", port, STOP_TIMEOUT.toMillis());
            process.destroyForcibly();
            process.onExit().orTimeout(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionally(t -> null).join();
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeShutdownHook();
        directory.ifPresent(ChainDirectory::release);
        deleteLog();
        LOG.info("anvil on port {} stopped", port);
    }

    private void deleteLog() {
        if (!temporaryLog) {
            return;
        }
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
            throw new IllegalStateException("anvil exited with code " + child.map(Process::exitValue).orElse(-1) + " before answering eth_blockNumber on "
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
