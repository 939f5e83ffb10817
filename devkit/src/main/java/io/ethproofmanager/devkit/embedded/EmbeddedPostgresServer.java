package io.ethproofmanager.devkit.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    /** The file in the data directory that holds the server's JDBC URL, user included. */
    public static final String JDBC_URL_FILE = "jdbc-url";
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
        final EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, port(dataDir));
        server.start();
        return server;
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
