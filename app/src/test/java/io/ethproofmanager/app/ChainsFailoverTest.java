package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.testing.ManagerProcess;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1Record;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of one deployment as JVMs of their own, on one broker, PostgreSQL and anvil, serving two rollup chains
 * ({@code epm.chains}: 271 and 272, each with its {@code proof_generation_details} in a schema of its own and its blob
 * directory): {@code kill -9} of the instance holding the L1 ingester role while batches flow, then of the one holding the
 * readiness role, then both restarted. Every batch of both chains reaches its final status, each has exactly one proof
 * request on chain, no contract event is on its topic twice, and every instance's {@code /api/networks} is the same.
 */
class ChainsFailoverTest {

    private static final int BATCHES_PER_CHAIN = 150;
    private static final List<Long> CHAINS = List.of(271L, 272L);
    private static final Duration PATIENCE = Duration.ofSeconds(240);
    private static final Duration ROLE_SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private final Map<String, ManagerProcess> instances = new LinkedHashMap<>();
    private final Random random = new Random(9);

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"), Map.of(
                "epm.kafka.role-session-timeout", ROLE_SESSION_TIMEOUT.toSeconds() + "s",
                "epm.l1.receipt-poll-interval", "50ms"));
    }

    @AfterEach
    void stopEverything() {
        instances.values().forEach(ManagerProcess::close);
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void twoChainsOnThreeInstancesSurviveKillingTheIngestersAndTheReadinessHoldersAndRestartingThem() throws Exception {
        final long began = System.nanoTime();
        for (final String name : List.of("a", "b", "c")) {
            start(name);
        }
        for (final ManagerProcess instance : instances.values()) {
            instance.awaitReady(PATIENCE);
        }
        final Map<String, String> holders = awaitEachRoleHeldOnce();
        System.out.printf("%d s: source roles %s%n", seconds(began), holders);

        seed(BATCHES_PER_CHAIN / 2);
        final String ingesterHolder = holders.get(ProofManagerService.INGESTER_ROLE);
        await().atMost(PATIENCE).until(() -> requestedBatches() > 0); // requests flowing while the ingester's holder dies
        instances.get(ingesterHolder).kill();
        final String newIngesterHolder = awaitRoleRunningOnAnotherInstance(ProofManagerService.INGESTER_ROLE, Set.of(ingesterHolder));
        System.out.printf("%d s: kill -9 of %s (L1 ingester): the role runs on %s%n", seconds(began), ingesterHolder, newIngesterHolder);

        seed(BATCHES_PER_CHAIN - BATCHES_PER_CHAIN / 2);
        final String readinessHolder = awaitRoleRunningOnAnotherInstance(ProofManagerService.READINESS_ROLE, Set.of(ingesterHolder));
        instances.get(readinessHolder).kill(); // while it publishes the second half
        final String newReadinessHolder = awaitRoleRunningOnAnotherInstance(ProofManagerService.READINESS_ROLE,
                Set.of(ingesterHolder, readinessHolder));
        System.out.printf("%d s: kill -9 of %s (readiness checker): the role runs on %s%n", seconds(began), readinessHolder,
                newReadinessHolder);

        start(ingesterHolder);
        if (!readinessHolder.equals(ingesterHolder)) {
            start(readinessHolder);
        }
        for (final ManagerProcess instance : instances.values()) {
            instance.awaitReady(PATIENCE);
        }

        System.out.printf("%d s: %s and %s restarted and ready%n", seconds(began), ingesterHolder, readinessHolder);
        final int batches = BATCHES_PER_CHAIN * CHAINS.size();
        await("every batch's proof request on L1").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> requestedBatches() == batches);
        System.out.printf("%d s: every batch's request on L1%n", seconds(began));
        chain.increaseTime(200); // past the 120 s acknowledgement deadline: the requests no network took fall back
        chain.mine();
        await("every batch final").atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> finalBatches() == batches);
        System.out.printf("%d s: %d batches of %d chains final on 3 instances after two kill -9 and two restarts%n",
                seconds(began), batches, CHAINS.size());

        assertThat(rows()).as("every batch of both chains, once").hasSize(batches)
                .containsAll(allBatches().stream().map(BatchId::toString).toList());
        assertExactlyOneRequestOnChainPerBatch();
        assertNoEventTwiceOnItsTopic();
        assertEveryInstanceAnswersTheSameNetworks();
    }

    private static long seconds(final long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }

    private void start(final String name) throws IOException {
        final Map<String, Object> settings = new HashMap<>();
        settings.put("epm.kafka.instance-id", name);
        settings.put("epm.data-dir", dir.resolve("data-" + name).toString());
        settings.put("epm.chains", CHAINS.stream().map(id -> Map.of(
                "id", id,
                "proof-generation-details", Map.of("schema", "rollup_" + id),
                "blob-stores", Map.of("rollup", Map.of("path", rollupBlobs(id).toString())))).toList());
        final Path config = harness.writeConfig(dir.resolve("manager-" + name + ".conf"), settings);
        final ManagerProcess previous = instances.put(name, ManagerProcess.start(Main.class, List.of("--config", config.toString()),
                Map.of(), dir.resolve("manager-" + name + "-" + System.nanoTime() + ".log")));
        if (previous != null) {
            previous.close();
        }
    }

    private Path rollupBlobs(final long chainId) {
        return dir.resolve("rollup-blobs-" + chainId);
    }

    private void seed(final int perChain) {
        for (final long id : CHAINS) {
            ReadyBatchSeeder.seed(postgres.dataSource(), "\"rollup_" + id + "\".proof_generation_details",
                    new FileSystemBlobStore(rollupBlobs(id))::write, perChain, random);
        }
    }

    private List<BatchId> allBatches() {
        final List<BatchId> all = new ArrayList<>();
        for (final long id : CHAINS) {
            for (long batch = 1; batch <= BATCHES_PER_CHAIN; batch++) {
                all.add(new BatchId(id, batch));
            }
        }
        return all;
    }

    /** Every batch has its request on the contract, and the contract's events show one submission each. */
    private void assertExactlyOneRequestOnChainPerBatch() throws Exception {
        for (final BatchId batch : allBatches()) {
            final ProofManager.ProofRequest request = chain.proofManager(chain.submitter()).proofRequest(
                    new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()), BigInteger.valueOf(batch.batchNumber())))
                    .send();
            assertThat(request.submittedAt).as("the request of %s on chain", batch).isPositive();
        }
        final Map<BatchId, Long> submissions = l1Events().stream()
                .filter(L1Event.ProofRequestSubmitted.class::isInstance).map(L1Event.class::cast)
                .filter(event -> !event.removed())
                .collect(Collectors.groupingBy(L1Event::batchId, Collectors.counting()));
        assertThat(submissions).as("one ProofRequestSubmitted per batch").hasSize(allBatches().size())
                .allSatisfy((batch, count) -> assertThat(count).as("submissions of %s", batch).isOne());
    }

    /** Each contract event (by transaction, log index and whether retracted) is on its topic once. */
    private void assertNoEventTwiceOnItsTopic() {
        final Map<String, Long> events = l1Events().stream().filter(L1Event.class::isInstance).map(L1Event.class::cast)
                .collect(Collectors.groupingBy(e -> e.log().transactionHash() + "#" + e.log().logIndex() + "/" + e.removed(),
                        Collectors.counting()));
        assertThat(events).as("L1 events").isNotEmpty();
        assertThat(events.values()).as("each L1 event once on %s", Topics.L1_EVENTS.name()).allMatch(count -> count == 1);
        final Map<String, Long> networkEvents = harness.records(Topics.NETWORK_EVENTS).stream().map(Map.Entry::getValue)
                .collect(Collectors.groupingBy(e -> e.log().transactionHash() + "#" + e.log().logIndex() + "/" + e.removed(),
                        Collectors.counting()));
        assertThat(networkEvents.values()).as("each network event once").allMatch(count -> count == 1);
        final Map<BatchId, Long> readiness = harness.records(Topics.READINESS).stream()
                .collect(Collectors.groupingBy(e -> (BatchId) e.getKey(), Collectors.counting()));
        assertThat(readiness).as("every batch ready").hasSize(allBatches().size());
        System.out.printf("readiness events published again (the kill -9 window between acknowledgement and row): %d%n",
                readiness.values().stream().mapToLong(count -> count - 1).sum());
    }

    private void assertEveryInstanceAnswersTheSameNetworks() {
        await("every instance's /api/networks the same").atMost(PATIENCE).untilAsserted(() -> {
            final List<JsonNode> answers = new ArrayList<>();
            for (final ManagerProcess instance : instances.values()) {
                answers.add(RecordJson.mapper().readTree(get(instance.httpPort(), "/api/networks").body()));
            }
            assertThat(answers.getFirst().isEmpty()).as("analytics of the networks requests were assigned to").isFalse();
            assertThat(answers).allSatisfy(answer -> assertThat(answer).isEqualTo(answers.getFirst()));
        });
    }

    private List<L1Record> l1Events() {
        return harness.records(Topics.L1_EVENTS).stream().map(Map.Entry::getValue).toList();
    }

    private int requestedBatches() {
        return count("SELECT count(*) FROM eth_proof_manager WHERE status <> 'ready_to_be_proven'");
    }

    private int finalBatches() {
        return count("SELECT count(*) FROM eth_proof_manager WHERE status IN ('fallen_back', 'validation_result_sent_to_l1')");
    }

    private List<String> rows() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT chain_id, l1_batch_number FROM eth_proof_manager")) {
            final List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new BatchId(rs.getLong(1), rs.getLong(2)).toString());
            }
            return rows;
        }
    }

    private int count(final String sql) {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (final SQLException e) {
            return -1;
        }
    }

    /** Waits until every role is held by exactly one instance and runs there; returns role to instance. */
    private Map<String, String> awaitEachRoleHeldOnce() {
        final List<String> roles = List.of(ProofManagerService.READINESS_ROLE, ProofManagerService.INGESTER_ROLE);
        return await().atMost(PATIENCE).until(() -> {
            final Map<String, List<String>> held = roles.stream().collect(Collectors.toMap(Function.identity(), r -> new ArrayList<>()));
            for (final Map.Entry<String, ManagerProcess> instance : instances.entrySet()) {
                for (final JsonNode role : instance(instance.getValue().httpPort()).path("roles")) {
                    if (role.path("heldHere").asBoolean() && role.path("running").asBoolean()) {
                        held.get(role.path("role").asText()).add(instance.getKey());
                    }
                }
            }
            return held.values().stream().allMatch(h -> h.size() == 1)
                    ? Optional.of(held.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getFirst())))
                    : Optional.<Map<String, String>>empty();
        }, Optional::isPresent).orElseThrow();
    }

    /** Waits until {@code role} runs on a live instance not in {@code dead}; returns it. */
    private String awaitRoleRunningOnAnotherInstance(final String role, final Set<String> dead) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> instances.keySet().stream()
                .filter(name -> !dead.contains(name))
                .filter(name -> runsHere(instances.get(name).httpPort(), role))
                .findFirst(), Optional::isPresent).orElseThrow();
    }

    private static boolean runsHere(final int port, final String role) {
        for (final JsonNode state : instance(port).path("roles")) {
            if (state.path("role").asText().equals(role)) {
                return state.path("heldHere").asBoolean() && state.path("running").asBoolean();
            }
        }
        return false;
    }

    private static JsonNode instance(final int port) {
        try {
            return RecordJson.mapper().readTree(get(port, "/api/instance").body());
        } catch (final IOException | IllegalStateException e) {
            return RecordJson.mapper().createObjectNode();
        }
    }

    private static HttpResponse<String> get(final int port, final String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new IllegalStateException("GET " + path + " on " + port + " failed: " + e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
