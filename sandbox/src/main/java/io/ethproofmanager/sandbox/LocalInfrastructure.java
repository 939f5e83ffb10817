package io.ethproofmanager.sandbox;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The devkit's embedded servers for every endpoint the settings leave empty: a KRaft broker and a PostgreSQL in this JVM,
 * an anvil node with the contracts deployed; and the settings that point the service at them. A configured chain that is
 * an anvil development node ({@code epm.sandbox.development-node}) is attached to as a local chain, for the demo.
 */
public final class LocalInfrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalInfrastructure.class);

    /** The sandbox's own settings ({@code epm.sandbox} of its reference.conf). */
    public record SandboxSettings(int anvilPort, long l1ChainId, boolean developmentNode) {

        public static SandboxSettings from(final Config root) {
            final SettingsReader settings = SettingsReader.of(root);
            return new SandboxSettings(settings.intBetween("epm.sandbox.anvil-port", 0, 65_535),
                    settings.positiveLong("epm.sandbox.l1-chain-id"), settings.bool("epm.sandbox.development-node"));
        }
    }

    private final Config config;
    private final Optional<EmbeddedKafkaBroker> kafka;
    private final Optional<EmbeddedPostgresServer> postgres;
    private final Optional<LocalChain> localChain;

    private LocalInfrastructure(final Config config, final Optional<EmbeddedKafkaBroker> kafka,
            final Optional<EmbeddedPostgresServer> postgres, final Optional<LocalChain> localChain) {
        this.config = config;
        this.kafka = kafka;
        this.postgres = postgres;
        this.localChain = localChain;
    }

    /** Starts an embedded server for each endpoint {@code config} (resolved) leaves empty. */
    public static LocalInfrastructure start(final Config config) {
        final SandboxSettings sandbox = SandboxSettings.from(config);
        final boolean ownChain = config.getString("epm.l1.rpc-url").isBlank();
        if (ownChain) {
            refuseExternalChainKeysWithoutRpcUrl(config);
        }
        final Map<String, Object> overrides = new HashMap<>();
        final Path dataDir = config.getString("epm.data-dir").isBlank() ? newTempDir() : Path.of(config.getString("epm.data-dir"));
        overrides.put("epm.data-dir", dataDir.toString());
        final List<AutoCloseable> started = new ArrayList<>();
        try {
            final Optional<LocalChain> chain;
            if (ownChain) {
                final LocalChain local = LocalChain.startIn(dataDir.resolve("anvil"), sandbox.l1ChainId(), sandbox.anvilPort());
                started.add(local);
                overrides.put("epm.l1.rpc-url", local.rpcUrl());
                overrides.put("epm.l1.contract-address", local.proofManagerAddress());
                overrides.put("epm.l1.verifier-address", local.verifierAddress());
                final List<String> laneKeys = SettingsReader.of(config).textList("epm.l1.submitter-keys", true);
                if (laneKeys.isEmpty()) {
                    overrides.put("epm.l1.submitter-private-key", LocalChain.submitterPrivateKey());
                } else {
                    // the sender's lanes: every configured submitter account gets the role on the local chain
                    laneKeys.forEach(key -> local.grantSubmitterRole(Credentials.create(key).getAddress()));
                    overrides.put("epm.l1.submitter-private-key", "");
                }
                overrides.put("epm.l1.start-block", "0");
                chain = Optional.of(local);
            } else if (sandbox.developmentNode()) {
                chain = Optional.of(LocalChain.attach(config.getString("epm.l1.rpc-url"), config.getString("epm.l1.contract-address"),
                        config.getString("epm.l1.verifier-address")));
            } else {
                chain = Optional.empty();
            }
            // the broker and PostgreSQL start side by side: each takes a few seconds, most of it waiting
            final boolean ownBroker = config.getString("epm.kafka.bootstrap-servers").isBlank();
            final boolean ownDatabase = config.getString("epm.database.url").isBlank();
            final CompletableFuture<Optional<EmbeddedPostgresServer>> startingDatabase = CompletableFuture.supplyAsync(() ->
                    ownDatabase ? Optional.of(EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) : Optional.empty());
            Optional<EmbeddedKafkaBroker> startedBroker = Optional.empty();
            final Optional<EmbeddedPostgresServer> database;
            try {
                if (ownBroker) {
                    startedBroker = Optional.of(EmbeddedKafkaBroker.start(dataDir.resolve("kafka")));
                    started.add(startedBroker.get());
                }
            } finally {
                database = awaitDatabase(startingDatabase);
                database.ifPresent(started::add);
            }
            final Optional<EmbeddedKafkaBroker> broker = startedBroker;
            broker.ifPresent(b -> overrides.put("epm.kafka.bootstrap-servers", b.bootstrapServers()));
            database.ifPresent(embedded -> {
                overrides.put("epm.database.url", embedded.jdbcUrl());
                overrides.put("epm.database.user", embedded.user());
                overrides.put("epm.database.password", embedded.password());
                // the embedded database stands in for the rollup's too
                overrides.put("epm.database.create-rollup-tables", true);
            });
            if (config.getString("epm.kafka.instance-id").isBlank()) {
                // stable across restarts on the same data directory, so that a restarted sandbox takes its partitions back
                // at once; another data directory is another instance
                overrides.put("epm.kafka.instance-id", "sandbox-" + Integer.toHexString(dataDir.toAbsolutePath().normalize().hashCode()));
            }
            LOG.info("sandbox: Kafka {}, PostgreSQL {}, L1 {}; data: {}", broker.isPresent() ? "embedded" : "configured",
                    database.isPresent() ? "embedded" : "configured",
                    ownChain ? "embedded anvil (chain id " + sandbox.l1ChainId() + ")"
                            : chain.isPresent() ? "anvil development node" : "configured", dataDir);
            return new LocalInfrastructure(ConfigFactory.parseMap(overrides).withFallback(config).resolve(), broker, database, chain);
        } catch (final RuntimeException e) {
            // stop what was started, newest first
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (final Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static Optional<EmbeddedPostgresServer> awaitDatabase(final CompletableFuture<Optional<EmbeddedPostgresServer>> starting) {
        try {
            return starting.join();
        } catch (final CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /**
     * Contract addresses or a submitter key without an RPC URL are settings meant for an external chain that lost its
     * URL: starting an embedded chain instead would run the manager against a chain nobody else sees.
     */
    private static void refuseExternalChainKeysWithoutRpcUrl(final Config config) {
        final List<String> named = new ArrayList<>();
        for (final String key : List.of("epm.l1.contract-address", "epm.l1.verifier-address", "epm.l1.submitter-private-key")) {
            if (!config.getString(key).isBlank()) {
                named.add(key);
            }
        }
        if (!named.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + SettingsReader.describeAll(named)
                    + (named.size() == 1 ? " is" : " are") + " set but " + SettingsReader.describe("epm.l1.rpc-url")
                    + " is not: set the RPC URL of the chain they belong to, or unset them to run on an embedded anvil chain");
        }
    }

    /** The settings with every embedded endpoint filled in, for {@code ManagerSettings.from}. */
    public Config config() {
        return config;
    }

    /** The local chain: the embedded one, or the configured development node attached to. */
    public Optional<LocalChain> localChain() {
        return localChain;
    }

    /** Stops the embedded servers, after the service that used them: the broker, then PostgreSQL, then the chain. */
    @Override
    public void close() {
        kafka.ifPresent(EmbeddedKafkaBroker::close);
        postgres.ifPresent(EmbeddedPostgresServer::close);
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
