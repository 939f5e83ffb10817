package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.Topics;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two deployments, one per rollup, with different application ids on one broker, one PostgreSQL server (a database each)
 * and one ProofManager contract (a submitter account each): each has topics of its own, named after its application id,
 * and neither sees the other's batches, although both have batches 1 to 3: each one's status topic, table and readiness
 * events hold only its chain's, and each one's ingester skips the other chain's contract events as {@code other_chain}.
 */
class SeparateDeploymentsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Anvil development account 3: no role until the test grants it the submitter role. */
    private static final String SECOND_SUBMITTER_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private final List<ProofManagerService> services = new ArrayList<>();

    @BeforeEach
    void startInfrastructure() throws Exception {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        final var proofManager = chain.proofManager(chain.admin());
        proofManager.grantRole(proofManager.SUBMITTER_ROLE().send(), chain.outsider().getAddress()).send();
    }

    @AfterEach
    void stopEverything() {
        services.reversed().forEach(ProofManagerService::close);
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void twoDeploymentsWithDifferentApplicationIdsOnOneBrokerNeverSeeEachOthersBatches() throws Exception {
        final ProofManagerService a = start("rollup-a", 271, postgres.jdbcUrl(), LocalChain.submitterPrivateKey());
        final ProofManagerService b = start("rollup-b", 272, database("deployment_b"), SECOND_SUBMITTER_KEY);
        assertThat(a.topics().of(Topics.BATCH_STATUS).name()).isEqualTo("rollup-a.batch-status.v1");
        assertThat(b.topics().of(Topics.BATCH_STATUS).name()).isEqualTo("rollup-b.batch-status.v1");

        assertThat(ReadyBatchSeeder.seed(a.database().dataSource(), a.rollupBlobs()::write, 3, new Random(1))).containsExactly(1L, 2L, 3L);
        assertThat(ReadyBatchSeeder.seed(b.database().dataSource(), b.rollupBlobs()::write, 3, new Random(2))).containsExactly(1L, 2L, 3L);
        for (final ProofManagerService service : List.of(a, b)) {
            await().atMost(PATIENCE).until(() -> requested(service) == 3);
        }

        assertThat(rows(a)).containsExactlyInAnyOrder("271:1", "271:2", "271:3");
        assertThat(rows(b)).containsExactlyInAnyOrder("272:1", "272:2", "272:3");
        assertThat(chainsOn(a.topics().of(Topics.BATCH_STATUS).name(), Topics.BATCH_STATUS)).containsExactly(271L);
        assertThat(chainsOn(b.topics().of(Topics.BATCH_STATUS).name(), Topics.BATCH_STATUS)).containsExactly(272L);
        assertThat(chainsOn(a.topics().of(Topics.READINESS).name(), Topics.READINESS)).containsExactly(271L);
        assertThat(chainsOn(b.topics().of(Topics.READINESS).name(), Topics.READINESS)).containsExactly(272L);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(chainsOn(a.topics().of(Topics.L1_EVENTS).name(), Topics.L1_EVENTS)).containsExactly(271L);
            assertThat(chainsOn(b.topics().of(Topics.L1_EVENTS).name(), Topics.L1_EVENTS)).containsExactly(272L);
            for (final ProofManagerService service : List.of(a, b)) {
                assertThat(service.meters().counter("epm_l1_ingester_skipped_logs_total", "reason", "other_chain").count())
                        .as("the other deployment's contract events, skipped").isGreaterThanOrEqualTo(3);
            }
        });
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            final var names = admin.listTopics().names().get();
            assertThat(names).as("no topic of the default names").noneMatch(name -> name.startsWith("epm."));
            assertThat(names).as("each deployment's source roles are coordinated on a topic of its own")
                    .contains("rollup-a.source-roles.v1", "rollup-b.source-roles.v1");
        }
    }

    private ProofManagerService start(final String applicationId, final long chainId, final String jdbcUrl, final String submitterKey) {
        final ServiceHarness harness = new ServiceHarness(kafka, postgres, chain, dir.resolve(applicationId), Map.of(
                "epm.kafka.application-id", applicationId,
                "epm.kafka.topic-prefix", "",
                "epm.chain-id", Long.toString(chainId),
                "epm.database.url", jdbcUrl,
                "epm.l1.submitter-private-key", submitterKey));
        final ProofManagerService service = harness.start();
        services.add(service);
        return service;
    }

    private String database(final String name) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.jdbcUrl().substring(0, postgres.jdbcUrl().lastIndexOf('/') + 1) + name;
    }

    /** Rows of the service's eth_proof_manager whose proof request went to L1 (sent, or refused at once and fallen back). */
    private static int requested(final ProofManagerService service) {
        return query(service, "SELECT count(*) FROM eth_proof_manager WHERE sent_proof_request_tx_hash IS NOT NULL").stream()
                .mapToInt(Integer::parseInt).sum();
    }

    private static List<String> rows(final ProofManagerService service) {
        return query(service, "SELECT chain_id || ':' || l1_batch_number FROM eth_proof_manager");
    }

    private static List<String> query(final ProofManagerService service, final String sql) {
        try (Connection c = service.database().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            final List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chain ids of the keys on {@code topic} now. */
    private Set<Long> chainsOn(final String topic, final io.ethproofmanager.schemas.Topic<BatchId, ?> registered) {
        final var named = new io.ethproofmanager.schemas.Topic<>(topic, registered.keySerde(), registered.valueSerde(),
                registered.compacted());
        final ServiceHarness reader = new ServiceHarness(kafka, postgres, chain, dir.resolve("reader"));
        final java.util.TreeSet<Long> chains = new java.util.TreeSet<>();
        reader.records(named).forEach(record -> {
            if (record.getKey() != null) {
                chains.add(record.getKey().chainId());
            }
        });
        return chains;
    }
}
