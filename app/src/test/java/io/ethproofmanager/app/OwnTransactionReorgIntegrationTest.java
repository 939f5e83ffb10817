package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole manager (sender confirmations 0, the default) on a real broker, PostgreSQL and anvil, whose request
 * transaction a reorg removes for good ({@code anvil_reorg}): the sender reports it {@code reorged_out}, broadcasts it
 * again, and the batch's row ends {@code request_sent_to_l1} with the hash that is on the canonical chain.
 */
class OwnTransactionReorgIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private ProofManagerService service;

    @BeforeEach
    void startInfrastructure() throws Exception {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"), Map.of("epm.l1.receipt-timeout", "2s"));
        service = harness.start();
    }

    @AfterEach
    void stopEverything() {
        if (service != null) {
            service.close();
        }
        postgres.close();
        kafka.close();
        chain.close();
    }

    @Test
    void aRequestReorganisedOutForGoodEndsRequestedOnceWithTheHashOnTheCanonicalChain() throws Exception {
        final long batch = ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, 1, new Random(1))
                .getFirst();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> "request_sent_to_l1".equals(ServiceHarness.row(service.database().dataSource(), batch).get("status")));
        final String sent = requestHash(batch);
        final long block = chain.web3j().ethGetTransactionReceipt(sent).send().getTransactionReceipt().orElseThrow()
                .getBlockNumber().longValueExact();
        assertThat(chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact()).as("the last block").isEqualTo(block);

        chain.reorg(1);
        assertThat(chain.web3j().ethGetTransactionReceipt(sent).send().getTransactionReceipt()).isEmpty();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> outcomes(batch).size() == 3);
        assertThat(outcomes(batch)).containsExactly(Outcome.MINED, Outcome.REORGED_OUT, Outcome.MINED);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(ServiceHarness.row(service.database().dataSource(), batch)).containsEntry("status", "request_sent_to_l1");
            final String onChain = requestHash(batch);
            assertThat(chain.web3j().ethGetTransactionReceipt(onChain).send().getTransactionReceipt())
                    .as("the row's hash is on the canonical chain").isPresent();
        });
        assertThat(chain.proofManager(chain.outsider()).requestCounter().send()).as("one request").isEqualTo(BigInteger.ONE);
        assertThat(harness.request(batch).status).as("pending acknowledgement").isEqualTo(BigInteger.ZERO);
        assertThat(versions(batch)).as("gapless versions in the history").containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, versions(batch).size()).boxed().toList());
    }

    private List<Outcome> outcomes(final long batch) {
        return harness.records(Topics.L1_TX_RESULTS).stream().map(Map.Entry::getValue)
                .filter(result -> result.batchNumber() == batch).map(L1TransactionResult::outcome).toList();
    }

    private String requestHash(final long batch) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT sent_proof_request_tx_hash FROM eth_proof_manager WHERE l1_batch_number = ?")) {
            s.setLong(1, batch);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private List<Long> versions(final long batch) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT version FROM eth_proof_manager_history WHERE l1_batch_number = ? ORDER BY version")) {
            s.setLong(1, batch);
            try (ResultSet rs = s.executeQuery()) {
                final List<Long> versions = new java.util.ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getLong(1));
                }
                return versions;
            }
        }
    }
}
