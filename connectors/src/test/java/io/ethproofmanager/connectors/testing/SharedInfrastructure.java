package io.ethproofmanager.connectors.testing;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One real Kafka broker and one real PostgreSQL for the whole test JVM, started on first use and stopped at exit.
 * Tests that restart them start their own instances instead. Every directory made by {@link #tempDir} is deleted when
 * the test JVM exits, after the shared servers stopped (a full run left gigabytes of PostgreSQL data in /tmp before).
 */
public final class SharedInfrastructure {

    private static final List<Path> TEMP_DIRS = new ArrayList<>();
    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedInfrastructure::stopAndClean, "test-infrastructure-stop"));
    }

    private SharedInfrastructure() {
    }

    public static synchronized EmbeddedKafkaBroker kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafkaBroker.start(tempDir("kafka"));
        }
        return kafka;
    }

    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.start(tempDir("postgres"));
        }
        return postgres;
    }

    /** A fresh, migrated database (own tables and the rollup's) on the shared server; the caller closes the pool. */
    public static Database freshDatabase(final String name) {
        final Database database = emptyDatabase(name);
        database.migrate(true, 271);
        return database;
    }

    /** A fresh database without any table on the shared server; the caller closes the pool. */
    public static Database emptyDatabase(final String name) {
        final EmbeddedPostgresServer server = postgres();
        try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        final String url = server.jdbcUrl().substring(0, server.jdbcUrl().lastIndexOf('/') + 1) + name;
        return Database.connect(url, server.user(), server.password(), 4);
    }

    /** Creates topics with one partition on {@code bootstrapServers}, ignoring those that exist. */
    public static void createTopics(final String bootstrapServers, final String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final var existing = admin.listTopics().names().get();
            final var missing = java.util.Arrays.stream(names)
                    .filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, 1, (short) 1))
                    .toList();
            admin.createTopics(missing).all().get();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers, e);
        }
    }

    /** A new directory under the system's temporary directory, deleted when the test JVM exits. */
    public static synchronized Path tempDir(final String prefix) {
        try {
            final Path dir = Files.createTempDirectory("epm-test-" + prefix);
            TEMP_DIRS.add(dir);
            return dir;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void stopAndClean() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        TEMP_DIRS.forEach(SharedInfrastructure::deleteQuietly);
    }

    /** Deletes {@code dir} and the broker configuration an embedded broker writes beside its log directory. */
    private static void deleteQuietly(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (final IOException | UncheckedIOException e) {
            System.err.println("cannot delete test directory " + dir + ": " + e.getMessage());
        }
        dir.resolveSibling(dir.getFileName() + ".properties").toFile().delete();
    }
}
