package io.ethproofmanager.app;

import io.ethproofmanager.connectors.chain.DeploymentBlock;
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
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

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

    /**
     * Where the proof manager contract is, who submits to it, and the first block the log ingester reads when it has no
     * checkpoint. The key is kept out of {@link #toString()}.
     */
    public record Chain(String rpcUrl, String proofManagerAddress, String verifierAddress, String submitterPrivateKey,
            long ingesterStartBlock) {

        @Override
        public String toString() {
            return "Chain[" + rpcUrl + ", ProofManager " + proofManagerAddress + ", logs from block " + ingesterStartBlock + "]";
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
        // before anything starts: a configured chain whose first block cannot be found fails the start
        final long startBlock = l1.embedded() ? l1.startBlock().orElse(0L) : configuredStartBlock(l1);
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
                        l.submitter().getEcKeyPair().getPrivateKey().toString(16), startBlock)).orElseThrow()
                : new Chain(l1.rpcUrl().orElseThrow(), l1.contractAddress().orElseThrow(), l1.verifierAddress().orElseThrow(),
                        l1.submitterPrivateKey().orElseThrow(), startBlock);
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

    /**
     * The log ingester's first block on a configured chain: {@code epm.l1.start-block} as given, or else the block the
     * ProofManager was deployed in, found on the node by binary search over {@code eth_getCode}.
     */
    static long configuredStartBlock(final ManagerSettings.L1 l1) {
        if (l1.startBlock().isPresent()) {
            return l1.startBlock().get();
        }
        final String rpcUrl = l1.rpcUrl().orElseThrow();
        final String contract = l1.contractAddress().orElseThrow();
        final Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            final long block = DeploymentBlock.find(web3j, contract);
            LOG.info("epm.l1.start-block is not set: the ProofManager {} was deployed in block {} on {}; the log ingester starts"
                    + " there when it has no checkpoint", contract, block, rpcUrl);
            return block;
        } catch (final RuntimeException e) {
            throw new IllegalStateException("epm.l1.start-block (EPM_L1_START_BLOCK) is not set, and the block the ProofManager "
                    + contract + " was deployed in cannot be found on " + rpcUrl + " by eth_getCode (" + e.getMessage()
                    + "; a node without the chain's history answers only for recent blocks): set epm.l1.start-block or"
                    + " EPM_L1_START_BLOCK to the contract's deployment block", e);
        } finally {
            web3j.shutdown();
        }
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

    /** Stops the embedded servers after every client of theirs: the broker, then PostgreSQL, then the chain. */
    @Override
    public void close() {
        embeddedKafka.ifPresent(EmbeddedKafkaBroker::close);
        embeddedPostgres.ifPresent(EmbeddedPostgresServer::close);
        localChain.ifPresent(LocalChain::close);
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("eth-proof-manager-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }
}
