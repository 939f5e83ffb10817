package io.ethproofmanager.sandbox.simulate;

import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A run on an external broker or PostgreSQL (given by {@code --config}) must not meet an earlier run's data: batch numbers
 * start at 1 in a fresh database, and the manager's topics have fixed names. So each run gets a database of its own on the
 * external PostgreSQL server, and the external broker must not hold the manager's topics yet.
 */
final class ExternalServers {

    /** {@code jdbc:postgresql://host[:port][,host2...]/database[?parameters]}: the database part. */
    private static final Pattern DATABASE_IN_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");

    private ExternalServers() {
    }

    /**
     * Creates the database {@code name} on the server of {@code jdbcUrl} (as {@code user}, who needs CREATEDB) and returns
     * the URL of it, with the same host, port and parameters.
     */
    static String freshDatabase(final String jdbcUrl, final String user, final String password, final String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        final String url = withDatabase(jdbcUrl, name);
        final Properties credentials = new Properties();
        if (user != null && !user.isBlank()) {
            credentials.setProperty("user", user);
        }
        if (password != null && !password.isBlank()) {
            credentials.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, credentials); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (final SQLException e) {
            throw new IllegalStateException("simulate creates a database of its own for each run on the server of epm.database.url ("
                    + jdbcUrl + "); creating " + name + " failed (the user of epm.database.user needs CREATEDB): " + e.getMessage(), e);
        }
        return url;
    }

    /** {@code jdbcUrl} with its database replaced by {@code database}. */
    static String withDatabase(final String jdbcUrl, final String database) {
        final Matcher m = DATABASE_IN_URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("epm.database.url is not a jdbc:postgresql:// URL: " + jdbcUrl);
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }

    /** Fails, naming them, when the broker at {@code bootstrapServers} already holds any of the manager's topics. */
    static void requireNoManagerTopics(final String bootstrapServers) {
        final Set<String> existing;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of the broker at epm.kafka.bootstrap-servers ("
                    + bootstrapServers + "): " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the broker's topics", e);
        }
        final Set<String> ours = new TreeSet<>();
        for (final Topic<?, ?> topic : Topics.all()) {
            if (existing.contains(topic.name())) {
                ours.add(topic.name());
            }
        }
        if (!ours.isEmpty()) {
            throw new IllegalStateException("the broker at epm.kafka.bootstrap-servers (" + bootstrapServers + ") already has the"
                    + " manager's topics " + ours + ", from an earlier run or a deployment: their records would mix with this run's;"
                    + " simulate needs a broker without them (delete them, or use another cluster)");
        }
    }
}
