package io.ethproofmanager.app;

import io.ethproofmanager.connectors.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.connectors.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster, database and data directory the manager runs on: the configured ones, or embedded ones started in
 * this JVM where nothing is configured (a real KRaft broker, a real PostgreSQL).
 */
public final class Infrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);

    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String databaseUser;
    private final String databasePassword;
    private final Path dataDir;
    private final Optional<EmbeddedKafkaBroker> embeddedKafka;
    private final Optional<EmbeddedPostgresServer> embeddedPostgres;

    private Infrastructure(final String bootstrapServers, final String jdbcUrl, final String databaseUser,
            final String databasePassword, final Path dataDir, final Optional<EmbeddedKafkaBroker> embeddedKafka,
            final Optional<EmbeddedPostgresServer> embeddedPostgres) {
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.databaseUser = databaseUser;
        this.databasePassword = databasePassword;
        this.dataDir = dataDir;
        this.embeddedKafka = embeddedKafka;
        this.embeddedPostgres = embeddedPostgres;
    }

    /** Connects to what is configured and starts embedded servers for the rest. */
    public static Infrastructure start(final ManagerSettings settings) {
        final Path dataDir = settings.embeddedDataDir().orElseGet(Infrastructure::newTempDir);
        final Optional<EmbeddedKafkaBroker> kafka = settings.kafka().bootstrapServers().isPresent()
                ? Optional.empty()
                : Optional.of(EmbeddedKafkaBroker.start(dataDir.resolve("kafka")));
        final Optional<EmbeddedPostgresServer> postgres;
        try {
            postgres = settings.database().url().isPresent()
                    ? Optional.empty()
                    : Optional.of(EmbeddedPostgresServer.start(dataDir.resolve("postgres")));
        } catch (final RuntimeException e) {
            kafka.ifPresent(EmbeddedKafkaBroker::close);
            throw e;
        }
        final String bootstrap = settings.kafka().bootstrapServers().orElseGet(() -> kafka.orElseThrow().bootstrapServers());
        final String url = settings.database().url().orElseGet(() -> postgres.orElseThrow().jdbcUrl());
        final String user = postgres.map(EmbeddedPostgresServer::user).orElse(settings.database().user());
        final String password = postgres.map(EmbeddedPostgresServer::password).orElse(settings.database().password());
        LOG.info("Kafka: {}{}; PostgreSQL: {}{}; data: {}", bootstrap, kafka.isPresent() ? " (embedded)" : "",
                url, postgres.isPresent() ? " (embedded)" : "", dataDir);
        return new Infrastructure(bootstrap, url, user, password, dataDir, kafka, postgres);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String databaseUser() {
        return databaseUser;
    }

    public String databasePassword() {
        return databasePassword;
    }

    /** Where embedded servers, default blob directories and Streams state live. */
    public Path dataDir() {
        return dataDir;
    }

    public boolean embeddedDatabase() {
        return embeddedPostgres.isPresent();
    }

    @Override
    public void close() {
        embeddedPostgres.ifPresent(EmbeddedPostgresServer::close);
        embeddedKafka.ifPresent(EmbeddedKafkaBroker::close);
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("eth-proof-manager-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }
}
