package io.ethproofmanager.devkit.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky embedded binaries) run by this JVM: the default runtime's database and the
 * integration tests'. Port and data directory survive {@link #stop()} and {@link #start()}, and the port also survives a
 * new process on the same data directory: once up, the server writes its JDBC URL to {@value #JDBC_URL_FILE} in the data
 * directory, where tools find it, and a later start takes the port from there (another free one if it is taken).
 * A server left running by a process that died without stopping it ({@code kill -9}) is stopped before the start: its
 * {@code postmaster.pid} names it, and the data directory's lock file, free, says that no live process owns it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    /** The file in the data directory that holds the server's JDBC URL, user included. */
    public static final String JDBC_URL_FILE = "jdbc-url";
    /** The lock file zonky's {@code EmbeddedPostgres} holds in the data directory while it runs a server there. */
    static final String OWNER_LOCK_FILE = "epg-lock";
    private static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern URL_PORT = Pattern.compile("^jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/");

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;
    private OrderedShutdown.Hook shutdownHook;

    private EmbeddedPostgresServer(final Path dataDir, final int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a server keeping its data in {@code dataDir} (created when new), on the port of its last run there when that
     * is free, else on a free port.
     */
    public static EmbeddedPostgresServer start(final Path dataDir) {
        stopLeftover(dataDir);
        final EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, port(dataDir));
        server.start();
        return server;
    }

    /**
     * Stops the PostgreSQL that {@code dataDir}'s {@code postmaster.pid} names when it still runs although no process
     * holds the data directory's lock (zonky's {@value #OWNER_LOCK_FILE}): the server of a manager killed with
     * {@code kill -9}, which would otherwise keep the data directory and its port. SIGINT first (PostgreSQL's fast
     * shutdown: its clients died with their process), SIGKILL after {@link #LEFTOVER_STOP_TIMEOUT}.
     */
    static void stopLeftover(final Path dataDir) {
        final Optional<ProcessHandle> server = postmaster(dataDir);
        if (server.isEmpty() || !ownerLockFree(dataDir)) {
            return;
        }
        final ProcessHandle process = server.get();
        LOG.warn("a PostgreSQL (pid {}) left running on {} by a process that died is stopped before the start", process.pid(), dataDir);
        signalInterrupt(process);
        try {
            process.onExit().get(LEFTOVER_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            LOG.warn("the leftover PostgreSQL (pid {}) did not stop within {} s; killing it", process.pid(), LEFTOVER_STOP_TIMEOUT.toSeconds());
            process.destroyForcibly();
            process.onExit().join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the leftover PostgreSQL on " + dataDir, e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot stop the leftover PostgreSQL on " + dataDir, e);
        }
    }

    /** SIGINT, which ProcessHandle cannot send: {@code kill -INT}; SIGTERM (a smart shutdown) when that fails. */
    private static void signalInterrupt(final ProcessHandle process) {
        try {
            if (new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor() == 0) {
                return;
            }
        } catch (final IOException e) {
            LOG.debug("kill -INT {} failed: {}", process.pid(), e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }

    /** The live process {@code postmaster.pid} names, when it is a postgres. */
    private static Optional<ProcessHandle> postmaster(final Path dataDir) {
        final Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isReadable(pidFile)) {
            return Optional.empty();
        }
        try {
            final long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).getFirst().trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (final IOException | RuntimeException unreadable) {
            LOG.warn("cannot read {}: {}", pidFile, unreadable.toString());
            return Optional.empty();
        }
    }

    /** Whether no process (this one included) holds the lock zonky takes on the data directory while it runs a server. */
    private static boolean ownerLockFree(final Path dataDir) {
        try (FileChannel channel = FileChannel.open(dataDir.resolve(OWNER_LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (final OverlappingFileLockException heldHere) {
            return false;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot check the lock of the embedded PostgreSQL's data directory " + dataDir, e);
        }
    }

    /** The port {@code dataDir}'s JDBC URL file names, when it is free; a free port otherwise. */
    private static int port(final Path dataDir) {
        final Path file = dataDir.resolve(JDBC_URL_FILE);
        if (!Files.exists(file)) {
            return freePort();
        }
        final String url;
        try {
            url = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the embedded PostgreSQL's JDBC URL from " + file, e);
        }
        final Matcher matcher = URL_PORT.matcher(url);
        if (!matcher.find()) {
            LOG.warn("{} holds no JDBC URL of ours ('{}'); starting on a free port and rewriting it", file, url);
            return freePort();
        }
        final int port = Integer.parseInt(matcher.group(1));
        if (!isFree(port)) {
            final int other = freePort();
            LOG.warn("port {} of the embedded PostgreSQL in {} (from {}) is taken by another process; starting on port {}"
                    + " and rewriting {}", port, dataDir, file, other, file);
            return other;
        }
        return port;
    }

    public synchronized void start() {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL already running on port " + port);
        }
        final long began = System.nanoTime();
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // zonky's own hook would stop the server at once, under clients still closing; ours waits for them
                    .setRegisterShutdownHook(false)
                    .start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " with data in " + dataDir, e);
        }
        shutdownHook = OrderedShutdown.lastResort("embedded-postgres-shutdown-" + port, this::stop);
        writeJdbcUrl();
        LOG.info("embedded PostgreSQL up on port {} in {} ms, data in {}, JDBC URL in {}", port, (System.nanoTime() - began) / 1_000_000,
                dataDir, jdbcUrlFile());
    }

    /** The file in the data directory that holds {@link #jdbcUrl()} with the user, for tools that feed the database. */
    public Path jdbcUrlFile() {
        return dataDir.resolve(JDBC_URL_FILE);
    }

    /** Written after the server is up: the data directory must be empty for initdb on the first start. */
    private void writeJdbcUrl() {
        final Path file = jdbcUrlFile();
        try {
            final Path temporary = Files.createTempFile(dataDir, JDBC_URL_FILE, ".tmp");
            Files.writeString(temporary, jdbcUrl() + "?user=" + USER + System.lineSeparator(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the embedded PostgreSQL's JDBC URL to " + file, e);
        }
    }

    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL on port " + port, e);
        }
        postgres = null;
        shutdownHook.remove();
        LOG.info("embedded PostgreSQL on port {} stopped", port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return "";
    }

    public synchronized DataSource dataSource() {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        return postgres.getPostgresDatabase();
    }

    @Override
    public void close() {
        stop();
    }

    private static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (final IOException taken) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
