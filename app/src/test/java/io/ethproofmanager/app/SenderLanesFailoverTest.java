package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.connectors.testing.ManagerProcess;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * Two manager JVMs sharing one broker, PostgreSQL and anvil (a block every 2 s), the L1 sender with two lanes (two
 * submitter accounts, up to 16 transactions in flight each) over four partitions: both instances send; one is killed
 * with {@code kill -9} while at least ten of its lane's transactions are in flight (mining paused so that they are), and
 * the other takes its lanes. Each of those transactions is found mined or replaced (none left unresolved), every batch's
 * proof request is on chain exactly once, no nonce of either account was given to two commands, and no submitter
 * transaction reverted.
 */
class SenderLanesFailoverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final int FIRST_BATCHES = 12;
    private static final int LATER_BATCHES = 40;
    private static final int BLOCK_SECONDS = 2;
    private static final int MAX_IN_FLIGHT = 16;
    /** The killed instance's lane has at least this many transactions in flight when it is killed. */
    private static final int IN_FLIGHT_AT_KILL = 10;

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private final List<AutoCloseable> instances = new ArrayList<>();

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        final List<String> keys = LocalChain.submitterPrivateKeys(2);
        chain.grantSubmitterRole(Credentials.create(keys.get(1)).getAddress());
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"), Map.of(
                "epm.kafka.partitions", "4",
                "epm.l1.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
                "epm.l1.submitter-keys", String.join(",", keys)));
        chain.setAutomine(false);
        chain.setIntervalMining(BLOCK_SECONDS);
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
    void twoInstancesSendEveryRequestOnceAlsoWhenOneIsKilled() throws Exception {
        // one after the other: two first starts side by side race on creating the rollup tables' schema history
        final ManagerProcess a = process("a").awaitReady(Duration.ofSeconds(120));
        final ManagerProcess b = process("b").awaitReady(Duration.ofSeconds(120));

        await("the two lanes held by the two instances").atMost(PATIENCE).until(() -> query(
                "SELECT count(DISTINCT split_part(owner, '/', 1)) FROM l1_sender_lanes") == 2);
        final List<Long> batches = new ArrayList<>(ReadyBatchSeeder.seed(harness.dataSource(), harness.rollupBlobs()::write,
                FIRST_BATCHES, new Random(1)));
        await().atMost(PATIENCE).until(() -> requestsOnChain() >= FIRST_BATCHES);

        // mining paused, a burst of batches: instance a's lane fills its pipeline; a is killed with them in flight
        final String laneOfA = texts("SELECT from_address FROM l1_sender_lanes WHERE owner LIKE 'a/%'").getFirst();
        final String onLaneOfA = " FROM l1_transaction_attempts WHERE from_address = '" + laneOfA + "'";
        chain.setIntervalMining(0);
        batches.addAll(ReadyBatchSeeder.seed(harness.dataSource(), harness.rollupBlobs()::write, LATER_BATCHES, new Random(2)));
        await("at least " + IN_FLIGHT_AT_KILL + " transactions in flight on instance a's lane").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(100)).until(() -> query("SELECT count(*)" + onLaneOfA + " AND state = 'broadcast'")
                >= IN_FLIGHT_AT_KILL);
        a.kill();
        final List<String> inFlightAtKill = texts("SELECT tx_hash" + onLaneOfA
                + " AND state IN ('prepared', 'broadcast') AND tx_hash IS NOT NULL");
        System.out.printf("killed instance a with %d transactions of its lane in flight, %d of %d requests on chain%n",
                inFlightAtKill.size(), requestsOnChain(), batches.size());
        assertThat(inFlightAtKill).hasSizeGreaterThanOrEqualTo(IN_FLIGHT_AT_KILL);
        chain.setIntervalMining(BLOCK_SECONDS);

        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> requestsOnChain() >= batches.size());
        await("every attempt resolved").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> query(
                "SELECT count(*) FROM l1_transaction_attempts WHERE state IN ('prepared', 'broadcast', 'unknown')") == 0);
        for (final String hash : inFlightAtKill) {
            assertThat(texts("SELECT state FROM l1_transaction_attempts WHERE tx_hash = '" + hash + "'"))
                    .as("%s, in flight when its sender was killed, found mined or replaced", hash)
                    .singleElement().isIn("mined", "replaced");
        }
        final String theirCommands = "SELECT command_id FROM l1_transaction_attempts WHERE tx_hash IN ('"
                + String.join("', '", inFlightAtKill) + "')";
        assertThat(query("SELECT count(*) FROM (SELECT command_id FROM l1_transaction_attempts WHERE command_id IN ("
                + theirCommands + ") GROUP BY command_id HAVING count(*) FILTER (WHERE state = 'mined') = 1) AS done"))
                .as("each of their commands has exactly one mined transaction")
                .isEqualTo(query("SELECT count(DISTINCT command_id) FROM (" + theirCommands + ") AS theirs"));
        final ProofManager reader = chain.proofManager(chain.outsider());
        for (final long batch : batches) {
            assertThat(reader.proofRequest(new ProofRequestIdentifier(BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID),
                    BigInteger.valueOf(batch))).send().submittedAt).as("batch %d requested", batch).isPositive();
        }
        assertThat(requestsOnChain()).as("each batch requested exactly once").isEqualTo(batches.size());
        assertThat(query("SELECT count(*) FROM (SELECT from_address, nonce FROM l1_transaction_attempts WHERE nonce IS NOT NULL"
                + " GROUP BY from_address, nonce HAVING count(DISTINCT command_id) > 1) AS shared"))
                .as("no nonce given to two commands").isZero();
        assertThat(query("SELECT count(*) FROM l1_transaction_attempts WHERE state = 'reverted'"))
                .as("no submitter transaction reverted").isZero();
        assertThat(query("SELECT count(DISTINCT from_address) FROM l1_transaction_attempts WHERE nonce IS NOT NULL"))
                .as("both lanes sent").isEqualTo(2);
        assertThat(b.isAlive()).isTrue();

        // the survivor's status API shows it holding both lanes, nothing pending, its next nonces the chain's
        final JsonNode lanes = RecordJson.mapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + b.httpPort() + "/api/instance")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("l1SenderLanes");
        assertThat(lanes).hasSize(2);
        for (final JsonNode lane : lanes) {
            assertThat(lane.path("owner").asText()).startsWith("b/");
            assertThat(lane.path("heldHere").asBoolean()).isTrue();
            assertThat(lane.path("inFlight").asLong()).isZero();
            assertThat(lane.path("heldByFeeCap").asLong()).isZero();
            assertThat(lane.path("feeHold").isNull()).as("not held by the fee cap").isTrue();
            assertThat(lane.path("oldestPendingSeconds").isNull()).as("nothing pending").isTrue();
            assertThat(lane.path("nextNonce").asLong()).isEqualTo(chain.web3j().ethGetTransactionCount(
                    lane.path("address").asText(), DefaultBlockParameterName.PENDING).send().getTransactionCount().longValueExact());
        }
    }

    private List<String> texts(final String sql) throws Exception {
        try (Connection connection = harness.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            final List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getString(1));
            }
            return found;
        }
    }

    private long requestsOnChain() throws Exception {
        return chain.proofManager(chain.outsider()).requestCounter().send().longValueExact();
    }

    private long query(final String sql) throws Exception {
        try (Connection connection = harness.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private ManagerProcess process(final String name) throws IOException {
        final Path config = harness.writeConfig(dir.resolve("manager-" + name + ".conf"), Map.of("epm.kafka.instance-id", name,
                "epm.data-dir", dir.resolve("data-" + name).toString()));
        final ManagerProcess process = ManagerProcess.start(Main.class, List.of("--config", config.toString()), Map.of(),
                dir.resolve("manager-" + name + ".log"));
        instances.add(process);
        return process;
    }
}
