package io.ethproofmanager.sandbox.simulate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.sandbox.SandboxMain;
import io.ethproofmanager.sandbox.network.SimulatedNetworks;
import io.ethproofmanager.sandbox.network.SimulatedProvingNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An oracle-checked run of the manager from outside: a local anvil, a broker and a PostgreSQL (embedded and owned here, or
 * external ones from the settings), the manager as real JVMs on them through an RPC proxy, the two simulated proving
 * networks with a seeded mix, batches seeded as the rollup would, and faults injected on a schedule derived from the seed.
 * When every batch is final (or the time limit hits) the {@link Oracle} checks the outcome and the report is printed.
 */
public final class Simulation {

    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    /** The sandbox's rollup chain id (the rows' chain_id). */
    private static final long ROLLUP_CHAIN_ID = 271;
    /** The manager's fee cap in the simulation; normal base fees quote well under it, spikes well over. */
    static final long FEE_CAP_WEI = 3_000_000_000L;
    static final long SPIKE_BASE_FEE_WEI = 3_000_000_000L;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** What to run. */
    public record Options(int batches, long seed, Set<FaultKind> faults, Duration timeLimit, Optional<Path> dataDir,
            Optional<Path> config, String networkMix, int chainSpeed, double seedRate, int managers, String preferredNetwork,
            Duration proofTimeout, Duration faultWindow) {
    }

    /** What the run came to. */
    public record Result(Oracle.Verdict verdict, Map<FaultKind, Integer> injected, int restarts, Duration runTime,
            boolean finished, List<Double> readyAfterKill, int lateProofs, int lateProofsRefused, Duration checkTime,
            List<String> nodeFaults) {

        /** 0 passed, 1 a violation, 2 not every batch final in time, 3 the local node lost blocks (no verdict on the manager). */
        public int exitCode() {
            if (!nodeFaults.isEmpty()) {
                return 3;
            }
            if (!verdict.violations().isEmpty()) {
                return 1;
            }
            return finished ? 0 : 2;
        }

        public int violations() {
            return verdict.violations().size();
        }
    }

    private final Options options;
    private final PrintStream out;
    private final Map<FaultKind, Integer> injected = Collections.synchronizedMap(new EnumMap<>(FaultKind.class));
    private final List<String> faultLog = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Long> batches = Collections.synchronizedList(new ArrayList<>());
    private int restarts;
    /** The managers' application id: the seed and the run's start, so that no run meets an earlier one's groups or state. */
    private String applicationId;

    private Simulation(final Options options, final PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static Result run(final Options options, final PrintStream out) throws Exception {
        return new Simulation(options, out).run();
    }

    private Result run() throws Exception {
        final Path dir = options.dataDir().orElseGet(Simulation::newTempDir);
        Files.createDirectories(dir);
        final Config external = options.config().map(path -> ConfigFactory.parseFile(path.toFile()))
                .orElse(ConfigFactory.empty()).withFallback(ConfigFactory.load()).resolve();
        final List<AutoCloseable> closing = new ArrayList<>();
        final long began = System.nanoTime();
        // external servers: no topics of an earlier run on the broker, a database of this run's own on the PostgreSQL server
        final String runName = "epm_sim_" + options.seed() + "_" + System.currentTimeMillis() / 1000;
        if (!external.getString("epm.kafka.bootstrap-servers").isBlank()) {
            ExternalServers.requireNoManagerTopics(external.getString("epm.kafka.bootstrap-servers"));
        }
        final Optional<String> externalDatabase = external.getString("epm.database.url").isBlank() ? Optional.empty()
                : Optional.of(ExternalServers.freshDatabase(external.getString("epm.database.url"),
                        external.getString("epm.database.user"), external.getString("epm.database.password"), runName));
        externalDatabase.ifPresent(url -> LOG.info("simulation: a database of its own on the external PostgreSQL: {}", url));
        applicationId = "eth-proof-manager-sim-" + runName.substring("epm_sim_".length()).replace('_', '-');
        try {
            LOG.info("simulation: {} batches, seed {}, faults {}, data in {}", options.batches(), options.seed(), options.faults(), dir);
            final LocalChain chain = LocalChain.startIn(dir.resolve("anvil"), LocalChain.DEFAULT_CHAIN_ID, 0);
            closing.add(chain);
            setPreferredNetwork(chain);
            final Optional<EmbeddedKafkaBroker> broker = external.getString("epm.kafka.bootstrap-servers").isBlank()
                    ? Optional.of(EmbeddedKafkaBroker.start(dir.resolve("kafka"))) : Optional.empty();
            broker.ifPresent(closing::add);
            final String bootstrap = broker.map(EmbeddedKafkaBroker::bootstrapServers).orElse(external.getString("epm.kafka.bootstrap-servers"));
            final Optional<EmbeddedPostgresServer> postgres = external.getString("epm.database.url").isBlank()
                    ? Optional.of(EmbeddedPostgresServer.start(dir.resolve("postgres"))) : Optional.empty();
            postgres.ifPresent(closing::add);
            final String jdbcUrl = postgres.map(EmbeddedPostgresServer::jdbcUrl).orElseGet(externalDatabase::orElseThrow);
            final String dbUser = postgres.map(EmbeddedPostgresServer::user).orElse(external.getString("epm.database.user"));
            final String dbPassword = postgres.map(EmbeddedPostgresServer::password).orElse(external.getString("epm.database.password"));
            final RpcProxy proxy = RpcProxy.start(chain.rpcUrl());
            closing.add(proxy);
            final Path rollupBlobs = dir.resolve("blobs/rollup");
            Files.createDirectories(rollupBlobs);
            final PublicBlobStoreSwitch publicStore = PublicBlobStoreSwitch.create(dir.resolve("blobs/public"));
            final Path publicBlobs = publicStore.path();

            final List<ManagerJvm> managers = new ArrayList<>();
            for (int i = 0; i < options.managers(); i++) {
                final Path config = dir.resolve("manager-" + i + ".conf");
                Files.writeString(config, managerConfig(dir.resolve("manager-" + i), bootstrap, jdbcUrl, dbUser, dbPassword, proxy.url(),
                        chain, rollupBlobs, publicBlobs), StandardCharsets.UTF_8);
                final ManagerJvm manager = new ManagerJvm("manager-" + i, SandboxMain.class.getName(), config, freePort(),
                        dir.resolve("manager-" + i + ".log"));
                managers.add(manager);
                closing.add(manager);
                manager.start();
            }
            for (final ManagerJvm manager : managers) {
                if (!manager.awaitReady(READY_TIMEOUT)) {
                    throw new IllegalStateException(manager.name() + " did not become ready; see " + manager.log());
                }
            }
            LOG.info("simulation: {} manager JVM(s) ready", managers.size());

            final SimulatedNetworks networks = SimulatedProvingNetwork.startBoth(chain, options.networkMix(), options.seed());
            closing.add(networks);
            final ChainControl control = new ChainControl(chain, options.chainSpeed());
            closing.add(control);
            control.start();

            final DataSource database = dataSource(jdbcUrl, dbUser, dbPassword);
            final Thread seeder = new Thread(() -> seed(database, new FileSystemBlobStore(rollupBlobs)), "epm-sim-seeder");
            seeder.setDaemon(true);
            seeder.start();

            final FaultSchedule schedule = FaultSchedule.generate(options.seed(), effectiveFaults(broker.isPresent(), postgres.isPresent()),
                    options.faultWindow(), Math.max(options.faults().size(), options.batches() / 10), SPIKE_BASE_FEE_WEI);
            out.println("Fault schedule (seed " + options.seed() + "): " + schedule.faults().size() + " faults");
            schedule.faults().forEach(f -> out.println("  " + f));
            out.flush();
            final FaultInjector injector = new FaultInjector(schedule, new FaultInjector.Targets(managers, proxy, control, broker,
                    postgres, publicStore, bootstrap), options.seed(), injected, faultLog, stopping, READY_TIMEOUT);
            final Thread injecting = new Thread(injector, "epm-sim-faults");
            injecting.setDaemon(true);
            injecting.start();

            final Oracle oracle = new Oracle(new Oracle.Sources(chain.web3j(), chain.proofManagerAddress(),
                    LocalChain.submitterAccount().getAddress(), ROLLUP_CHAIN_ID, batches, database, bootstrap, managers.getFirst()));
            final long deadline = began + options.timeLimit().toNanos();
            boolean finished = false;
            Map<String, Long> last = Map.of();
            while (System.nanoTime() < deadline) {
                Thread.sleep(2_000);
                try {
                    final Map<String, Long> counts = oracle.statusCounts();
                    if (!counts.equals(last)) {
                        LOG.info("simulation: {} of {} batches seeded; PostgreSQL by status {}", batches.size(), options.batches(), counts);
                        last = counts;
                    }
                    if (batches.size() == options.batches() && !injecting.isAlive() && oracle.allFinal()) {
                        finished = true;
                        break;
                    }
                } catch (final RuntimeException e) {
                    LOG.info("simulation: cannot look at the progress now: {}", e.getMessage());
                }
            }
            stopping.set(true);
            injecting.join(Duration.ofMinutes(2));
            injector.restoreAll();
            for (final ManagerJvm manager : managers) {
                if (!manager.isAlive()) {
                    manager.start();
                    manager.awaitReady(READY_TIMEOUT);
                }
            }
            Thread.sleep(SETTLE.toMillis());
            if (finished && !oracle.allFinal()) {
                finished = false;
            }
            final List<Long> seeded = List.copyOf(batches);
            final long checking = System.nanoTime();
            final Oracle.Verdict verdict = new Oracle(new Oracle.Sources(chain.web3j(), chain.proofManagerAddress(),
                    LocalChain.submitterAccount().getAddress(), ROLLUP_CHAIN_ID, seeded, database, bootstrap, managers.getFirst()))
                    .judge(finished);
            restarts = managers.stream().mapToInt(m -> m.starts() - 1).sum();
            final Result result = new Result(verdict, Map.copyOf(injected), restarts, Duration.ofNanos(System.nanoTime() - began),
                    finished, injector.readyTimes(), networks.fermah().lateProofs() + networks.lagrange().lateProofs(),
                    networks.fermah().lateProofsRefused() + networks.lagrange().lateProofsRefused(),
                    Duration.ofNanos(System.nanoTime() - checking), control.nodeFaults());
            Report.print(out, options, dir, schedule, faultLog, result, proxy, control);
            return result;
        } finally {
            stopping.set(true);
            for (int i = closing.size() - 1; i >= 0; i--) {
                try {
                    closing.get(i).close();
                } catch (final Exception e) {
                    LOG.warn("simulation: stopping {} failed: {}", closing.get(i).getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    private Set<FaultKind> effectiveFaults(final boolean ownBroker, final boolean ownPostgres) {
        final Set<FaultKind> kinds = java.util.EnumSet.noneOf(FaultKind.class);
        for (final FaultKind kind : options.faults()) {
            if ((kind == FaultKind.BROKER_STOP && !ownBroker) || (kind == FaultKind.POSTGRES_STOP && !ownPostgres)) {
                LOG.warn("simulation: {} skipped: the simulation does not own that server", kind.key());
                continue;
            }
            kinds.add(kind);
        }
        return kinds;
    }

    /** Seeds the batches at {@code seedRate} a second, retrying while the database is down. */
    private void seed(final DataSource database, final FileSystemBlobStore rollupStore) {
        final Random random = new Random(options.seed());
        final int chunk = Math.max(1, (int) Math.round(options.seedRate()));
        while (batches.size() < options.batches() && !stopping.get()) {
            final int count = Math.min(chunk, options.batches() - batches.size());
            try {
                batches.addAll(ReadyBatchSeeder.seed(database, rollupStore::write, count, random));
            } catch (final RuntimeException e) {
                LOG.info("simulation: seeding failed, retrying: {}", e.getMessage());
            }
            try {
                Thread.sleep((long) (1000L * chunk / options.seedRate()));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void setPreferredNetwork(final LocalChain chain) throws Exception {
        final BigInteger network = switch (options.preferredNetwork()) {
            case "fermah" -> LocalChain.FERMAH;
            case "lagrange" -> LocalChain.LAGRANGE;
            case "none" -> LocalChain.NONE;
            default -> throw new IllegalArgumentException("--preferred-network is fermah, lagrange or none");
        };
        if (!chain.proofManager(chain.admin()).preferredProvingNetwork().send().equals(network)) {
            chain.proofManager(chain.admin()).updatePreferredProvingNetwork(network).send();
        }
    }

    private String managerConfig(final Path dataDir, final String bootstrap, final String jdbcUrl, final String user,
            final String password, final String rpcUrl, final LocalChain chain, final Path rollupBlobs, final Path publicBlobs) {
        final Map<String, Object> settings = new HashMap<>();
        settings.put("epm.data-dir", dataDir.toString());
        settings.put("epm.kafka.bootstrap-servers", bootstrap);
        settings.put("epm.kafka.application-id", applicationId);
        settings.put("epm.kafka.topic-prefix", "epm"); // the oracle reads the topics under their default names
        settings.put("epm.database.url", jdbcUrl);
        settings.put("epm.database.user", user);
        settings.put("epm.database.password", password);
        settings.put("epm.database.create-rollup-tables", true);
        settings.put("epm.blob-stores.rollup.path", rollupBlobs.toString());
        settings.put("epm.blob-stores.public.path", publicBlobs.toString());
        settings.put("epm.l1.rpc-url", rpcUrl);
        settings.put("epm.l1.contract-address", chain.proofManagerAddress());
        settings.put("epm.l1.verifier-address", chain.verifierAddress());
        settings.put("epm.l1.submitter-private-key", LocalChain.submitterPrivateKey());
        settings.put("epm.l1.start-block", "0");
        settings.put("epm.l1.poll-interval", "500ms");
        settings.put("epm.l1.rpc-timeout", "5s");
        settings.put("epm.l1.rpc-retry-backoff-max", "4s");
        settings.put("epm.l1.held-retry-backoff", "3s");
        settings.put("epm.l1.receipt-timeout", "20s");
        settings.put("epm.l1.max-fee-per-gas-cap", Long.toString(FEE_CAP_WEI));
        settings.put("epm.proof-request.timeout-after", options.proofTimeout().toSeconds() + "s");
        settings.put("epm.readiness.poll-interval", "300ms");
        return ConfigFactory.parseMap(settings).root().render(ConfigRenderOptions.concise().setFormatted(true));
    }

    private static DataSource dataSource(final String url, final String user, final String password) {
        final PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(url);
        if (user != null && !user.isBlank()) {
            source.setUser(user);
        }
        if (password != null && !password.isBlank()) {
            source.setPassword(password);
        }
        source.setConnectTimeout(5);
        source.setSocketTimeout(60);
        return source;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("epm-simulation-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }
}
