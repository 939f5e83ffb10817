package io.ethproofmanager.app;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.app.status.BatchStatusQueries;
import io.ethproofmanager.app.status.ManagerMetrics;
import io.ethproofmanager.app.status.NetworkAnalyticsReader;
import io.ethproofmanager.app.status.StatusApi;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.connectors.proof.ProofDestinations;
import io.ethproofmanager.connectors.kafka.RoleCoordinator;
import io.ethproofmanager.connectors.proof.FallbackHandoff;
import io.ethproofmanager.connectors.proof.ProofHandler;
import io.ethproofmanager.connectors.proof.ProofValidationSettings;
import io.ethproofmanager.connectors.proof.RollupCommitments;
import io.ethproofmanager.connectors.proof.RollupHandoff;
import io.ethproofmanager.connectors.proof.SqlRollupCommitments;
import io.ethproofmanager.connectors.proof.ProofHandlerSettings;
import io.ethproofmanager.connectors.proof.VerifierContractValidator;
import io.ethproofmanager.topology.analytics.RewardAnalyticsTopology;
import io.ethproofmanager.connectors.sink.l1.L1SenderSettings;
import io.ethproofmanager.connectors.sink.l1.L1TransactionSender;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSink;
import io.ethproofmanager.connectors.sink.postgres.BatchStatusSinkSettings;
import io.ethproofmanager.connectors.source.l1.L1IngesterSettings;
import io.ethproofmanager.connectors.source.l1.L1LogIngester;
import io.ethproofmanager.connectors.source.readiness.ReadinessChecker;
import io.ethproofmanager.connectors.source.readiness.ReadinessSettings;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.topology.BatchTopology;
import io.ethproofmanager.topology.ProofRequestPolicy;
import io.ethproofmanager.topology.StreamsSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running manager, wired against the order data flows: database and topics, the sinks (PostgreSQL, the L1
 * transaction sender), the topology, then what feeds it (proof handler, and the source roles: readiness checker and L1 log
 * ingester, each run on the one instance of the deployment the {@link RoleCoordinator}'s group assigns it to); closed in
 * reverse order, so that nothing in flight is dropped: sources, topology, sinks, then the database pool. It runs on the
 * configured {@link Endpoints} and starts no server of its own.
 */
public final class ProofManagerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProofManagerService.class);
    /** The source role of the readiness checker (partition 0 of the role topic). */
    public static final String READINESS_ROLE = "readiness-checker";
    /** The source role of the L1 log ingester (partition 1 of the role topic). */
    public static final String INGESTER_ROLE = "l1-ingester";
    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A stopping topology leaves its consumer group: Kafka Streams otherwise stays a member until the session times out
     * (45 s), and a restarted manager would process nothing, deadlines included, until then.
     */
    private static final CloseOptions LEAVING_GROUP = CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);

    private final ManagerSettings settings;
    private final Endpoints endpoints;
    private final Components components;
    private final Database database;
    private final Map<Long, ServedChain> chains;
    private final PrometheusMeterRegistry meters;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private HealthServer healthServer;

    /**
     * Each component's settings: its block of the configuration, read before anything starts (so that a bad value stops the
     * start with its key), and what the service tells it (the endpoints, its consumer group, the rollup's chain id).
     */
    private record Components(Map<Long, ReadinessSettings> readiness, BatchStatusSinkSettings postgresSink, ProofHandlerSettings proofHandler,
            ProofValidationSettings proofValidation, L1SenderSettings l1Sender, L1IngesterSettings l1Ingester) {

        static Components read(final ManagerSettings settings, final Endpoints endpoints) {
            final var config = settings.config();
            final String kafka = endpoints.bootstrapServers();
            final String applicationId = settings.kafka().applicationId();
            final Optional<String> instanceId = settings.kafka().instanceId();
            final TopicNames topics = settings.kafka().topics();
            final Map<Long, ReadinessSettings> readiness = new LinkedHashMap<>();
            settings.chains().forEach(chain -> readiness.put(chain.id(),
                    ReadinessSettings.from(config, kafka, chain.id(), settings.protocolVersion())
                            .withTopic(topics.of(Topics.READINESS).name())));
            return new Components(
                    readiness,
                    BatchStatusSinkSettings.from(config, kafka, applicationId + "-postgres-sink").withGroupInstanceId(instanceId)
                            .withTopic(topics.of(Topics.BATCH_STATUS).name()),
                    ProofHandlerSettings.from(config, kafka, applicationId + "-proof-handler").withGroupInstanceId(instanceId)
                            .withTopics(topics.of(Topics.L1_EVENTS).name(), topics.of(Topics.PROOF_VERDICTS).name()),
                    ProofValidationSettings.from(config),
                    L1SenderSettings.from(config, kafka, applicationId + "-l1-sender").withGroupInstanceId(instanceId)
                            .withTopics(topics.of(Topics.L1_COMMANDS).name(), topics.of(Topics.L1_TX_RESULTS).name()),
                    L1IngesterSettings.from(config, kafka, applicationId,
                            settings.chains().stream().map(ManagerSettings.RollupChain::id).collect(Collectors.toSet()),
                            endpoints.chain().ingesterStartBlock()).withTopics(topics));
        }
    }

    private ProofManagerService(final ManagerSettings settings, final Endpoints endpoints, final Components components,
            final Database database, final Map<Long, ServedChain> chains, final PrometheusMeterRegistry meters) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.components = components;
        this.database = database;
        this.chains = chains;
        this.meters = meters;
    }

    /** Starts every component; on a failure, stops what was started and rethrows. */
    public static ProofManagerService start(final ManagerSettings settings) {
        final Endpoints endpoints = Endpoints.of(settings);
        final Components components = Components.read(settings, endpoints);
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        final Database database = Database.connect(endpoints.jdbcUrl(), endpoints.databaseUser(),
                endpoints.databasePassword(), settings.database().poolSize());
        final Map<Long, ServedChain> chains = new LinkedHashMap<>();
        final ProofManagerService service = new ProofManagerService(settings, endpoints, components, database, chains, meters);
        service.running.push(database);
        try {
            for (final ManagerSettings.RollupChain chain : settings.chains()) {
                final ServedChain served = ServedChain.open(chain, database, endpoints.dataDir());
                service.running.push(served);
                chains.put(chain.id(), served);
            }
            service.startComponents(settings);
        } catch (final RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    private void startComponents(final ManagerSettings settings) {
        database.migrate(false, settings.chainId());
        if (settings.database().createRollupTables()) {
            chains.values().forEach(ServedChain::createRollupTables);
        }
        TopicProvisioner.ensureTopics(endpoints.bootstrapServers(), settings.kafka().topics(), settings.kafka().partitions(),
                settings.kafka().replicationFactor());

        // against the flow of data, so that close() stops the sources first, then the topology, then its sinks
        final BatchStatusSink sink = startPostgresSink();
        final Map<Long, RollupHandoff> handoffs = new LinkedHashMap<>();
        if (components.proofValidation().handoff()) {
            chains.values().forEach(chain -> handoffs.put(chain.id(), new RollupHandoff(chain.details(), chain.rollupBlobs(),
                    components.proofValidation().handoffProofKeyTemplate())));
        }
        final Optional<FallbackHandoff> fallbacks = handoffs.isEmpty() ? Optional.empty()
                : Optional.of(startFallbackHandoff(settings, handoffs));
        final L1TransactionSender sender = startL1Sender();
        final KafkaStreams streams = startTopology(settings);
        final KafkaStreams analytics = startRewardAnalytics(settings);
        final ProofHandler proofs = startProofHandler(handoffs);
        final RoleCoordinator roles = startSourceRoles(settings);

        final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        checks.put("topology", () -> streams.state() == KafkaStreams.State.RUNNING);
        checks.put("postgres-sink", sink::isHealthy);
        checks.put("reward-analytics", () -> analytics.state() == KafkaStreams.State.RUNNING);
        checks.put("l1-sender", sender::isHealthy);
        checks.put("proof-handler", proofs::isHealthy);
        fallbacks.ifPresent(f -> checks.put("fallback-handoff", f::isHealthy));
        checks.put("database", this::databaseAnswers);
        checks.put("source-roles", roles::isRunning);
        roles.roleNames().forEach(role -> checks.put("role:" + role, () -> roles.isHealthy(role)));
        final BatchStatusQueries statusQueries = new BatchStatusQueries(database.dataSource());
        running.push(ManagerMetrics.start(statusQueries, meters, Duration.ofSeconds(5)));
        // every network's analytics from the compacted topic, whichever instance computes them
        final NetworkAnalyticsReader networkAnalytics = NetworkAnalyticsReader.start(endpoints.bootstrapServers(),
                settings.kafka().topics().of(Topics.NETWORK_ANALYTICS).name());
        running.push(networkAnalytics);
        final StatusApi statusApi = new StatusApi(statusQueries, networkAnalytics::current, () -> instance(roles, sender));
        healthServer = HealthServer.start(settings.httpPort(), checks, Map.of("l1-sender", sender::readinessDetail), meters,
                statusApi.routes());
        running.push(healthServer);
        LOG.info("ETH Proof Manager running for {} (protocol {})", chains.values(), settings.protocolVersion());
    }

    private KafkaStreams startTopology(final ManagerSettings settings) {
        final var policy = new ProofRequestPolicy(settings.proofRequest().timeoutAfter(), settings.proofRequest().maxRewardMicroUsdc());
        final var stateDir = settings.kafka().stateDir().orElse(endpoints.dataDir().resolve("streams"));
        final var properties = StreamsSettings.properties(endpoints.bootstrapServers(), settings.kafka().applicationId(),
                stateDir, settings.kafka().replicationFactor(), settings.kafka().instanceId(), settings.kafka().standbyReplicas());
        final KafkaStreams streams = new KafkaStreams(BatchTopology.build(policy, settings.deadlines(),
                BatchTopology.DEFAULT_FINISHED_RETENTION, meters, settings.kafka().topics()), properties);
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("topology thread failed; replacing it (exactly-once: its uncommitted work is redone)", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        final KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        running.push(() -> {
            streams.close(LEAVING_GROUP);
            streamsMetrics.close();
        });
        return streams;
    }

    private KafkaStreams startRewardAnalytics(final ManagerSettings settings) {
        final String applicationId = settings.kafka().applicationId() + "-reward-analytics";
        final var stateDir = settings.kafka().stateDir().orElse(endpoints.dataDir().resolve("streams"));
        final KafkaStreams analytics = new KafkaStreams(RewardAnalyticsTopology.build(meters, settings.kafka().topics()), StreamsSettings.properties(
                endpoints.bootstrapServers(), applicationId, stateDir, settings.kafka().replicationFactor(),
                settings.kafka().instanceId(), settings.kafka().standbyReplicas()));
        analytics.setUncaughtExceptionHandler(exception -> {
            LOG.error("reward analytics thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        analytics.start();
        running.push(() -> analytics.close(LEAVING_GROUP));
        return analytics;
    }

    /** Hands the batches that fall back to each chain's provers (its {@code proof_generation_details}). */
    private FallbackHandoff startFallbackHandoff(final ManagerSettings settings, final Map<Long, RollupHandoff> handoffs) {
        LOG.info("handing back to the rollups: {}", handoffs);
        final FallbackHandoff fallbacks = new FallbackHandoff(endpoints.bootstrapServers(),
                settings.kafka().applicationId() + "-fallback-handoff", settings.kafka().topics().of(Topics.FALLBACK).name(), handoffs,
                components.proofHandler(), meters);
        fallbacks.start();
        running.push(fallbacks);
        return fallbacks;
    }

    private ProofHandler startProofHandler(final Map<Long, RollupHandoff> handoffs) {
        final var chain = endpoints.chain();
        final org.web3j.protocol.Web3j web3j = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(chain.rpcUrl()));
        running.push(web3j::shutdown);
        final Map<Long, ProofDestinations.Chain> destinations = new LinkedHashMap<>();
        chains.values().forEach(served -> destinations.put(served.id(),
                new ProofDestinations.Chain(served.publicBlobs(), Optional.ofNullable(handoffs.get(served.id())))));
        final ProofHandler handler = new ProofHandler(components.proofHandler(), ProofDestinations.of(destinations),
                validator(web3j), meters);
        handler.start();
        running.push(handler);
        return handler;
    }

    private VerifierContractValidator validator(final org.web3j.protocol.Web3j web3j) {
        final var chain = endpoints.chain();
        final ProofValidationSettings proofs = components.proofValidation();
        final RollupCommitments commitments = proofs.commitmentsQuery()
                .<RollupCommitments>map(sql -> new SqlRollupCommitments(database.dataSource(), sql))
                .orElse(RollupCommitments.NONE);
        final VerifierContractValidator validator = new VerifierContractValidator(web3j, chain.proofManagerAddress(),
                chain.verifierAddress(), proofs.verifierKind(), proofs.acceptedVariants(), commitments);
        LOG.info("proofs are validated by {}", validator);
        return validator;
    }

    private BatchStatusSink startPostgresSink() {
        final BatchStatusSink sink = new BatchStatusSink(components.postgresSink(), database.dataSource(), meters);
        sink.start();
        running.push(sink);
        return sink;
    }

    /**
     * The sources that must run on one instance at a time: the readiness checkers of the chains (partition 0 of
     * {@link RoleCoordinator#TOPIC} under the deployment's topic prefix) and the L1 log ingester of the contract
     * (partition 1), each started on the instance the group {@code <application-id>-source-roles} assigns it to.
     */
    private RoleCoordinator startSourceRoles(final ManagerSettings settings) {
        final ManagerSettings.Kafka kafka = settings.kafka();
        final RoleCoordinator coordinator = RoleCoordinator.start(new RoleCoordinator.Settings(endpoints.bootstrapServers(),
                        kafka.applicationId() + "-source-roles", kafka.instanceId(), kafka.roleSessionTimeout(),
                        kafka.topics().name(RoleCoordinator.TOPIC),
                        kafka.replicationFactor()),
                List.of(new RoleCoordinator.Role(READINESS_ROLE, this::startReadinessChecker),
                        new RoleCoordinator.Role(INGESTER_ROLE, this::startL1Ingester)),
                meters);
        running.push(coordinator);
        return coordinator;
    }

    /** This instance as the status API shows it ({@code /api/instance}): its ids, the source roles, the sender's lanes. */
    private Map<String, Object> instance(final RoleCoordinator roles, final L1TransactionSender sender) {
        final Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("applicationId", settings.kafka().applicationId());
        instance.put("instanceId", settings.kafka().instanceId().orElse(null));
        instance.put("roleMemberId", roles.memberId());
        instance.put("roles", roles.roles());
        instance.put("l1SenderLanes", sender.lanes());
        return instance;
    }

    /** The readiness role: a checker per chain, each on its chain's table and blob stores; running while all run. */
    private RoleCoordinator.RoleComponent startReadinessChecker() {
        final List<ReadinessChecker> checkers = new ArrayList<>();
        try {
            for (final ServedChain chain : chains.values()) {
                final ReadinessChecker checker = new ReadinessChecker(components.readiness().get(chain.id()), database.dataSource(),
                        chain.details(), chain.rollupBlobs(), chain.publicBlobs(), meters, Clock.systemUTC());
                checkers.add(checker);
                checker.start();
            }
        } catch (final RuntimeException e) {
            checkers.forEach(ReadinessChecker::close);
            throw e;
        }
        return RoleCoordinator.RoleComponent.of(() -> checkers.forEach(ReadinessChecker::close),
                () -> checkers.stream().allMatch(ReadinessChecker::isRunning));
    }

    private L1TransactionSender startL1Sender() {
        final L1TransactionSender sender = new L1TransactionSender(components.l1Sender(), database.dataSource(), meters);
        sender.start();
        running.push(sender);
        return sender;
    }

    private RoleCoordinator.RoleComponent startL1Ingester() {
        final L1LogIngester ingester = new L1LogIngester(components.l1Ingester(), meters);
        try {
            ingester.start();
        } catch (final RuntimeException e) {
            ingester.close();
            throw e;
        }
        return RoleCoordinator.RoleComponent.of(ingester, ingester::isRunning);
    }

    private boolean databaseAnswers() {
        try (Connection connection = database.dataSource().getConnection()) {
            return connection.isValid(2);
        } catch (final SQLException e) {
            return false;
        }
    }

    public Database database() {
        return database;
    }

    /** The store the first chain's proof generation data is read from (the demo writes its generated blobs there). */
    public BlobStore rollupBlobs() {
        return chains.values().iterator().next().rollupBlobs();
    }

    /** The store chain {@code chainId}'s proof generation data is read from. */
    public BlobStore rollupBlobs(final long chainId) {
        return served(chainId).rollupBlobs();
    }

    /** Where chain {@code chainId}'s {@code proof_generation_details} is (the demo seeds its ready batches there). */
    public ProofGenerationDetails proofGenerationDetails(final long chainId) {
        return served(chainId).details();
    }

    private ServedChain served(final long chainId) {
        final ServedChain chain = chains.get(chainId);
        if (chain == null) {
            throw new IllegalArgumentException("chain " + chainId + " is not configured; the chains are " + chains.keySet());
        }
        return chain;
    }

    /** The names of the deployment's topics. */
    public TopicNames topics() {
        return settings.kafka().topics();
    }

    /** The settings the service runs with. */
    public ManagerSettings settings() {
        return settings;
    }

    /** The Kafka cluster, database, chain and data directory the service runs on. */
    public Endpoints endpoints() {
        return endpoints;
    }

    /** The port of the health and metrics endpoints. */
    public int httpPort() {
        return healthServer.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Stops the components in reverse start order: sources first, the database pool last. */
    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            final AutoCloseable component = running.pop();
            try {
                component.close();
            } catch (final Exception e) {
                LOG.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("ETH Proof Manager stopped");
    }
}
