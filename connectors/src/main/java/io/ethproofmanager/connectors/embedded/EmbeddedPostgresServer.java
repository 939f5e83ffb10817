package io.ethproofmanager.connectors.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky embedded binaries) run by this JVM: the default runtime's database and the
 * integration tests'. Port and data directory survive {@link #stop()} and {@link #start()}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(final Path dataDir, final int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a server on a free port, keeping its data in {@code dataDir} (created when new). */
    public static EmbeddedPostgresServer start(final Path dataDir) {
        final EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, freePort());
        server.start();
        return server;
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
                    .start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port + " with data in " + dataDir, e);
        }
        LOG.info("embedded PostgreSQL up on port {} in {} ms, data in {}", port, (System.nanoTime() - began) / 1_000_000, dataDir);
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
