package io.ethproofmanager.app.status;

import static io.ethproofmanager.app.status.StatusFixtures.START;
import static io.ethproofmanager.schemas.BatchStatus.ACKNOWLEDGED;
import static io.ethproofmanager.schemas.BatchStatus.FALLEN_BACK;
import static io.ethproofmanager.schemas.BatchStatus.READY_TO_BE_PROVEN;
import static io.ethproofmanager.schemas.BatchStatus.RECEIVED_PROOF;
import static io.ethproofmanager.schemas.BatchStatus.REQUEST_SENT_TO_L1;
import static io.ethproofmanager.schemas.BatchStatus.VALIDATION_RESULT_SENT_TO_L1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production manager's gauge names in the Prometheus scrape, read from a real PostgreSQL. */
class StatusMetricsTest {

    private Database database;
    private PrometheusMeterRegistry meters;

    @BeforeEach
    void seed() throws Exception {
        database = SharedInfrastructure.freshDatabase("status_metrics_test");
        final var data = database.dataSource();
        StatusFixtures.writeJourney(data, 1, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED);
        StatusFixtures.writeJourney(data, 2, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED, RECEIVED_PROOF);
        StatusFixtures.writeJourney(data, 3, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED,
                RECEIVED_PROOF, VALIDATION_RESULT_SENT_TO_L1);
        StatusFixtures.writeJourney(data, 4, START, "refused", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, FALLEN_BACK);
        StatusFixtures.writeJourney(data, 5, START, "", READY_TO_BE_PROVEN);
        StatusFixtures.writeHeldAttempts(data, 1, 3);
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void gaugesCarryTheProductionNamesAndDatabaseCounts() {
        try (ManagerMetrics metrics = ManagerMetrics.start(new BatchStatusQueries(database.dataSource()), meters,
                Duration.ofHours(1))) {
            metrics.refresh();

            assertThat(meters.scrape()).contains(
                    "server_eth_proof_manager_acknowledged_batches 1.0",
                    "server_eth_proof_manager_proven_batches 2.0",
                    "server_eth_proof_manager_validated_batches 1.0",
                    "server_eth_proof_manager_fallen_back_batches 1.0",
                    "server_eth_proof_manager_tx_attempts 3.0",
                    "server_eth_proof_manager_batches{status=\"ready_to_be_proven\"} 1.0",
                    "server_eth_proof_manager_batches{status=\"request_sent_to_l1\"} 0.0",
                    "server_eth_proof_manager_batches{status=\"received_proof\"} 1.0",
                    "server_eth_proof_manager_batches{status=\"fallen_back\"} 1.0");
        }
    }

    @Test
    void refreshThreadPicksUpNewRows() throws Exception {
        try (ManagerMetrics metrics = ManagerMetrics.start(new BatchStatusQueries(database.dataSource()), meters,
                Duration.ofMillis(100))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.scrape().contains("server_eth_proof_manager_fallen_back_batches 1.0"));
            StatusFixtures.writeJourney(database.dataSource(), 6, START, "timed_out", READY_TO_BE_PROVEN, FALLEN_BACK);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.scrape().contains("server_eth_proof_manager_fallen_back_batches 2.0"));
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains(ManagerMetrics.THREAD_NAME);
        }
    }

    @Test
    void aliasesReadTheSenderAndIngesterMeters() {
        final AtomicLong lag = new AtomicLong(12);
        Gauge.builder("epm_l1_sender_submitter_balance", () -> 2.5e18).baseUnit("wei").register(meters);
        try (ManagerMetrics metrics = ManagerMetrics.start(new BatchStatusQueries(database.dataSource()), meters,
                Duration.ofHours(1))) {
            assertThat(meters.scrape()).contains("server_eth_proof_manager_ingester_lag_blocks NaN");
            Gauge.builder("epm_l1_ingester_lag_blocks", lag, AtomicLong::get).register(meters);

            assertThat(meters.scrape()).contains(
                    "server_eth_proof_manager_submitter_balance_wei 2.5E18",
                    "server_eth_proof_manager_ingester_lag_blocks 12.0");
        }
    }

    @Test
    void closeRemovesTheGauges() {
        final ManagerMetrics metrics = ManagerMetrics.start(new BatchStatusQueries(database.dataSource()), meters,
                Duration.ofHours(1));
        metrics.close();

        assertThat(meters.scrape()).doesNotContain("server_eth_proof_manager");
    }
}
