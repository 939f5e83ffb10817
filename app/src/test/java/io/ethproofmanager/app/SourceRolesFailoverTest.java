package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.connectors.testing.ManagerProcess;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one deployment on a real broker, PostgreSQL and anvil: each source role (readiness checker, L1 log
 * ingester) runs on exactly one of them, as {@code /api/instance} shows; when the ingester's holder stops (in this JVM) or
 * is killed with {@code kill -9} (in a JVM of its own), the other instance takes the role, within the role session
 * timeout when killed, and ingestion goes on from the checkpoint: every contract event is on its topic once, none
 * skipped, none twice.
 */
class SourceRolesFailoverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration ROLE_SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private final List<AutoCloseable> instances = new ArrayList<>();
    private int adminEvents;

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"),
                Map.of("epm.kafka.role-session-timeout", ROLE_SESSION_TIMEOUT.toSeconds() + "s"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (final AutoCloseable instance : instances.reversed()) {
            instance.close();
        }
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void eachRoleRunsOnOneOfTwoInstancesAndMovesWhenItsHolderStops() throws Exception {
        final ProofManagerService a = harness.start(Map.of("epm.kafka.instance-id", "a"));
        instances.add(a);
        final ProofManagerService b = harness.start(Map.of("epm.kafka.instance-id", "b", "epm.data-dir", dir.resolve("data-b").toString()));
        instances.add(b);
        final Map<String, Integer> ports = Map.of("a", a.httpPort(), "b", b.httpPort());

        final Map<String, String> holders = awaitEachRoleHeldOnce(ports);
        System.out.println("source roles: " + holders);
        publishAdminEvents(3);
        seedReadyBatches(a, 2);
        awaitEveryAdminEventOnce();
        awaitReadinessEvents(2);

        final String ingesterHolder = holders.get(ProofManagerService.INGESTER_ROLE);
        final String survivor = ingesterHolder.equals("a") ? "b" : "a";
        final long stopped = System.nanoTime();
        (ingesterHolder.equals("a") ? a : b).close();
        await().atMost(PATIENCE).until(() -> runsHere(ports.get(survivor), ProofManagerService.INGESTER_ROLE)
                && runsHere(ports.get(survivor), ProofManagerService.READINESS_ROLE));
        System.out.printf("the roles of %s, stopped, run on %s %d ms later%n", ingesterHolder, survivor,
                Duration.ofNanos(System.nanoTime() - stopped).toMillis());

        publishAdminEvents(3);
        seedReadyBatches(ingesterHolder.equals("a") ? b : a, 2);
        awaitEveryAdminEventOnce();
        awaitReadinessEvents(4);
        await().atMost(PATIENCE).until(() -> get(ports.get(survivor), "/ready").statusCode() == 200);
    }

    @Test
    void theIngestersHolderKilledTheOtherJvmTakesItOverWithinTheSessionTimeout() throws Exception {
        final ManagerProcess a = process("a");
        final ManagerProcess b = process("b");
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
        final Map<String, ManagerProcess> byName = Map.of("a", a, "b", b);
        final Map<String, Integer> ports = Map.of("a", a.httpPort(), "b", b.httpPort());

        final Map<String, String> holders = awaitEachRoleHeldOnce(ports);
        System.out.println("source roles: " + holders);
        publishAdminEvents(3);
        awaitEveryAdminEventOnce();

        final String victim = holders.get(ProofManagerService.INGESTER_ROLE);
        final String survivor = victim.equals("a") ? "b" : "a";
        publishAdminEvents(2); // on chain while the holder dies: maybe published by it, else by the survivor
        final long killed = System.nanoTime();
        byName.get(victim).kill();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> runsHere(ports.get(survivor), ProofManagerService.INGESTER_ROLE));
        final Duration failover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("kill -9 of %s -> its L1 ingester role runs on %s: %d ms (role session timeout %d s)%n", victim, survivor,
                failover.toMillis(), ROLE_SESSION_TIMEOUT.toSeconds());
        assertThat(failover).isLessThan(ROLE_SESSION_TIMEOUT.plusSeconds(10));

        publishAdminEvents(3);
        awaitEveryAdminEventOnce();
        await().atMost(PATIENCE).until(() -> runsHere(ports.get(survivor), ProofManagerService.READINESS_ROLE));
        await().atMost(PATIENCE).until(() -> get(ports.get(survivor), "/ready").statusCode() == 200);
    }

    private ManagerProcess process(final String name) throws IOException {
        final Path config = harness.writeConfig(dir.resolve("manager-" + name + ".conf"), Map.of("epm.kafka.instance-id", name,
                "epm.data-dir", dir.resolve("data-" + name).toString()));
        final ManagerProcess process = ManagerProcess.start(Main.class, List.of("--config", config.toString()), Map.of(),
                dir.resolve("manager-" + name + ".log"));
        instances.add(process);
        return process;
    }

    /** Waits until every role is held by exactly one of the instances and runs there; returns role to instance. */
    private Map<String, String> awaitEachRoleHeldOnce(final Map<String, Integer> ports) {
        final List<String> roles = List.of(ProofManagerService.READINESS_ROLE, ProofManagerService.INGESTER_ROLE);
        return await().atMost(PATIENCE).until(() -> {
            final Map<String, List<String>> held = roles.stream().collect(Collectors.toMap(Function.identity(), r -> new ArrayList<>()));
            for (final Map.Entry<String, Integer> instance : ports.entrySet()) {
                for (final JsonNode role : instance(instance.getValue()).path("roles")) {
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
        } catch (final IOException e) {
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

    /** {@code count} administration transactions, each one {@code PreferredProvingNetworkUpdated} event. */
    private void publishAdminEvents(final int count) {
        for (int i = 0; i < count; i++) {
            final BigInteger network = adminEvents++ % 2 == 0 ? LocalChain.FERMAH : LocalChain.LAGRANGE;
            harness.send(chain.admin(), proofManager -> proofManager.updatePreferredProvingNetwork(network).send());
        }
    }

    /** Every administration event sent so far is on the network events topic, each exactly once. */
    private void awaitEveryAdminEventOnce() {
        await().atMost(PATIENCE).until(() -> adminEventPositions().size() >= adminEvents);
        final List<LogPosition> positions = adminEventPositions();
        assertThat(positions).as("every event once").hasSize(adminEvents).doesNotHaveDuplicates();
    }

    private List<LogPosition> adminEventPositions() {
        return harness.records(Topics.NETWORK_EVENTS).stream().map(Map.Entry::getValue)
                .filter(NetworkEvent.PreferredProvingNetworkUpdated.class::isInstance)
                .map(NetworkEvent.PreferredProvingNetworkUpdated.class::cast)
                .map(NetworkEvent.PreferredProvingNetworkUpdated::log).toList();
    }

    private static void seedReadyBatches(final ProofManagerService service, final int count) {
        ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, count, new Random(count));
    }

    /** The readiness events of {@code count} distinct batches are on their topic (a duplicate would be dropped downstream). */
    private void awaitReadinessEvents(final int count) {
        await().atMost(PATIENCE).until(() -> harness.records(Topics.READINESS).stream().map(e -> (BatchId) e.getKey()).distinct().count()
                >= count);
    }
}
