package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deadline that passes while the manager is down is handled when it starts again: the whole service, stopped with a
 * proof request on L1, restarted (same application id, same data directory) after the chain moved past the
 * acknowledgement deadline, on the same broker, database and chain.
 */
class DeadlineWhileDownIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private ProofManagerService service;

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"));
        harness.send(chain.admin(), proofManager -> proofManager.updatePreferredProvingNetwork(LocalChain.FERMAH).send());
    }

    @AfterEach
    void stopEverything() {
        if (service != null) {
            service.close();
        }
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void anAcknowledgementDeadlineThatPassedWhileDownFallsBackOnceAfterTheRestart() throws Exception {
        service = harness.start();
        final long batch = ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, 1, new Random(3)).getFirst();
        await("the proof request of batch " + batch + " on L1").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> "request_sent_to_l1".equals(ServiceHarness.row(service.database().dataSource(), batch).get("status")));
        final long submittedAt = harness.request(batch).submittedAt.longValueExact();

        service.close();
        service = null;
        chain.increaseTime(200); // the contract's acknowledgement window is 120 s, the manager's deadline 120 s
        chain.mine();
        assertThat(chain.latestBlockTimestamp()).isGreaterThan(submittedAt + 120);
        assertThat(harness.fallbacks()).as("nothing fell back while the manager was down").isEmpty();

        service = harness.start();

        await("batch " + batch + " fallen back after the restart").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(ServiceHarness.row(service.database().dataSource(), batch))
                        .containsEntry("status", "fallen_back")
                        .hasEntrySatisfying("fallback_reason", reason -> assertThat(reason).startsWith("unacknowledged: ")));
        final List<FallbackRecord> fallbacks = harness.fallbacks();
        assertThat(fallbacks).singleElement().satisfies(fallback -> {
            assertThat(fallback.batchId()).isEqualTo(new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, batch));
            assertThat(fallback.reason()).isEqualTo(FallbackReason.UNACKNOWLEDGED);
            assertThat(fallback.assignedTo()).isEqualTo(ProvingNetwork.FERMAH);
            assertThat(fallback.proofGenDataBlobUrl()).isNotBlank();
        });

        chain.increaseTime(7_200); // past the proving deadline too: still no second fallback
        chain.mine();
        final long later = chain.latestBlockTimestamp();
        await("the topology to see chain time " + later).atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> harness.records(Topics.L1_EVENTS).stream().map(Map.Entry::getValue)
                        .anyMatch(record -> record instanceof ChainTime time && time.blockTimestamp().getEpochSecond() >= later));
        await("still one fallback through a few more ticks of the new chain time")
                .during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> harness.fallbacks().size() == 1);
        assertThat(ServiceHarness.row(service.database().dataSource(), batch)).containsEntry("status", "fallen_back");
        assertThat(harness.records(Topics.DEAD_LETTER)).isEmpty();
    }
}
