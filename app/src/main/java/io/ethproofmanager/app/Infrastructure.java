package io.ethproofmanager.app;

import io.ethproofmanager.connectors.chain.LocalChain;
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
 * The Kafka cluster, database, settlement chain and data directory the manager runs on: the configured ones, or embedded
 * ones where nothing is configured (a real KRaft broker and a real PostgreSQL in this JVM, an anvil node with our contract).
 * A configured chain that is an anvil development node ({@code epm.l1.development-node}) is attached to as a local chain.
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
    private final Chain chain;
    private final Optional<LocalChain> localChain;

    /** Where the proof manager contract is and who submits to it. The key is kept out of {@link #toString()}. */
    public record Chain(String rpcUrl, String proofManagerAddress, String verifierAddress, String submitterPrivateKey) {

        @Override
        public String toString() {
            return "Chain[" + rpcUrl + ", ProofManager " + proofManagerAddress + "]";
        }
    }

    private Infrastructure(final String bootstrapServers, final String jdbcUrl, final String databaseUser,
            final String databasePassword, final Path dataDir, final Optional<EmbeddedKafkaBroker> embeddedKafka,
            final Optional<EmbeddedPostgresServer> embeddedPostgres, final Chain chain, final Optional<LocalChain> localChain) {
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.databaseUser = databaseUser;
        this.databasePassword = databasePassword;
        this.dataDir = dataDir;
        this.embeddedKafka = embeddedKafka;
        this.embeddedPostgres = embeddedPostgres;
        this.chain = chain;
        this.localChain = localChain;
    }

    /** Connects to what is configured and starts embedded servers for the rest. */
    public static Infrastructure start(final ManagerSettings settings) {
        final Path dataDir = settings.embeddedDataDir().orElseGet(Infrastructure::newTempDir);
        final ManagerSettings.L1 l1 = settings.l1();
        final Optional<LocalChain> local;
        if (l1.embedded()) {
            local = Optional.of(LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, l1.embeddedPort()));
        } else if (l1.developmentNode()) {
            local = Optional.of(LocalChain.attach(l1.rpcUrl().orElseThrow(), l1.contractAddress().orElseThrow(),
                    l1.verifierAddress().orElseThrow()));
        } else {
            local = Optional.empty();
        }
        final Chain chain = l1.embedded()
                ? local.map(l -> new Chain(l.rpcUrl(), l.proofManagerAddress(), l.verifierAddress(),
                        l.submitter().getEcKeyPair().getPrivateKey().toString(16))).orElseThrow()
                : new Chain(l1.rpcUrl().orElseThrow(), l1.contractAddress().orElseThrow(), l1.verifierAddress().orElseThrow(),
                        l1.submitterPrivateKey().orElseThrow());
        final Optional<EmbeddedKafkaBroker> kafka;
        try {
            kafka = settings.kafka().bootstrapServers().isPresent()
                    ? Optional.empty()
                    : Optional.of(EmbeddedKafkaBroker.start(dataDir.resolve("kafka")));
        } catch (final RuntimeException e) {
            local.ifPresent(LocalChain::close);
            throw e;
        }
        final Optional<EmbeddedPostgresServer> postgres;
        try {
            postgres = settings.database().url().isPresent()
                    ? Optional.empty()
                    : Optional.of(EmbeddedPostgresServer.start(dataDir.resolve("postgres")));
        } catch (final RuntimeException e) {
            kafka.ifPresent(EmbeddedKafkaBroker::close);
            local.ifPresent(LocalChain::close);
            throw e;
        }
        final String bootstrap = settings.kafka().bootstrapServers().orElseGet(() -> kafka.orElseThrow().bootstrapServers());
        final String url = settings.database().url().orElseGet(() -> postgres.orElseThrow().jdbcUrl());
        final String user = postgres.map(EmbeddedPostgresServer::user).orElse(settings.database().user());
        final String password = postgres.map(EmbeddedPostgresServer::password).orElse(settings.database().password());
        LOG.info("Kafka: {}{}; PostgreSQL: {}{}; L1: {}{}; data: {}", bootstrap, kafka.isPresent() ? " (embedded)" : "",
                url, postgres.isPresent() ? " (embedded)" : "", chain,
                local.isEmpty() ? "" : local.get().ownsNode() ? " (embedded anvil)" : " (anvil development node)", dataDir);
        return new Infrastructure(bootstrap, url, user, password, dataDir, kafka, postgres, chain, local);
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

    public Chain chain() {
        return chain;
    }

    /** The local chain: the embedded one the manager started, or the configured development node it attached to. */
    public Optional<LocalChain> localChain() {
        return localChain;
    }

    public boolean embeddedDatabase() {
        return embeddedPostgres.isPresent();
    }

    @Override
    public void close() {
        localChain.ifPresent(LocalChain::close);
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
