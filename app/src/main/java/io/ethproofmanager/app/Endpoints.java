package io.ethproofmanager.app;


import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.connectors.source.l1.DeploymentBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The Kafka cluster, database, settlement chain and data directory the service runs on, as configured. The service starts
 * no server of its own: a missing endpoint fails the start with the keys to set ({@code ./run.sh} fills them in with the
 * devkit's embedded servers).
 */
public record Endpoints(String bootstrapServers, String jdbcUrl, String databaseUser, String databasePassword, Path dataDir,
        Chain chain) {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    /**
     * Where the proof manager contract and the verifier are, and the first block the log ingester reads when it has no
     * checkpoint. (The submitter key stays in the configuration, where the L1 sender reads it.)
     */
    public record Chain(String rpcUrl, String proofManagerAddress, String verifierAddress, long ingesterStartBlock) {

        @Override
        public String toString() {
            return "Chain[" + rpcUrl + ", ProofManager " + proofManagerAddress + ", logs from block " + ingesterStartBlock + "]";
        }
    }

    @Override
    public String toString() {
        return "Endpoints[Kafka " + bootstrapServers + ", PostgreSQL " + jdbcUrl + ", L1 " + chain + ", data " + dataDir + "]";
    }

    /** The configured endpoints; every missing one is named in the error, with its environment variable. */
    public static Endpoints of(final ManagerSettings settings) {
        final List<String> missing = new ArrayList<>();
        final ManagerSettings.L1 l1 = settings.l1();
        settings.kafka().bootstrapServers().ifPresentOrElse(s -> { }, () -> missing.add("epm.kafka.bootstrap-servers"));
        settings.database().url().ifPresentOrElse(s -> { }, () -> missing.add("epm.database.url"));
        l1.rpcUrl().ifPresentOrElse(s -> { }, () -> missing.add("epm.l1.rpc-url"));
        l1.contractAddress().ifPresentOrElse(s -> { }, () -> missing.add("epm.l1.contract-address"));
        l1.verifierAddress().ifPresentOrElse(s -> { }, () -> missing.add("epm.l1.verifier-address"));
        l1.submitterPrivateKey().ifPresentOrElse(s -> { }, () -> missing.add("epm.l1.submitter-private-key"));
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the service needs its Kafka cluster, PostgreSQL and L1 configured: set "
                    + SettingsReader.describeAll(missing) + " (./run.sh runs the manager with embedded ones where nothing is configured)");
        }
        final Path dataDir = settings.dataDir().orElseGet(Endpoints::newTempDir);
        final Chain chain = new Chain(l1.rpcUrl().get(), l1.contractAddress().get(), l1.verifierAddress().get(), startBlock(l1));
        final Endpoints endpoints = new Endpoints(settings.kafka().bootstrapServers().get(), settings.database().url().get(),
                settings.database().user(), settings.database().password(), dataDir, chain);
        LOG.info("{}", endpoints);
        return endpoints;
    }

    /**
     * The log ingester's first block: {@code epm.l1.start-block} as given, or else the block the ProofManager was deployed
     * in, found on the node by binary search over {@code eth_getCode}.
     */
    public static long startBlock(final ManagerSettings.L1 l1) {
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
            throw new IllegalStateException(SettingsReader.describe("epm.l1.start-block") + " is not set, and the block the ProofManager "
                    + contract + " was deployed in cannot be found on " + rpcUrl + " by eth_getCode (" + e.getMessage()
                    + "; a node without the chain's history answers only for recent blocks): set epm.l1.start-block or"
                    + " EPM_L1_START_BLOCK to the contract's deployment block", e);
        } finally {
            web3j.shutdown();
        }
    }

    private static Path newTempDir() {
        try {
            final Path dir = Files.createTempDirectory("eth-proof-manager-");
            LOG.warn(SettingsReader.describe("epm.data-dir") + " is not set: Streams state and default blob directories go to {}, a new"
                    + " directory on every start", dir);
            return dir;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }
}
