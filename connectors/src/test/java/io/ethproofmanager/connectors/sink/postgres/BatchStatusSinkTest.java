package io.ethproofmanager.connectors.sink.postgres;

import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.CHAIN_ID;
import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchStatusSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static Database database;
    private static StatusTables tables;
    private String bootstrapServers;
    private String topic;
    private BatchStatusSinkSettings settings;

    @BeforeAll
    static void createDatabase() {
        database = SharedInfrastructure.freshDatabase("batch_status_sink_test");
        tables = new StatusTables(database.dataSource());
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @BeforeEach
    void freshTopicAndTables() throws SQLException {
        bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        topic = Topics.BATCH_STATUS.name() + ".sink-test-" + TOPICS.incrementAndGet() + "-" + System.nanoTime();
        SharedInfrastructure.createTopics(bootstrapServers, topic);
        settings = BatchStatusSinkSettings.from(TestSettings.with(Map.of("epm.postgres-sink.retry-backoff-min", "100ms",
                "epm.postgres-sink.retry-backoff-max", "1s")), bootstrapServers, "sink-test-" + topic).withTopic(topic);
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE eth_proof_manager, eth_proof_manager_history");
        }
    }

    @Test
    void recordsProducedToTheTopicEndUpInTheTable() throws Exception {
        final MeterRegistry meters = new SimpleMeterRegistry();
        try (StatusProducer producer = new StatusProducer(bootstrapServers, topic);
                BatchStatusSink sink = new BatchStatusSink(settings, database.dataSource(), meters)) {
            sink.start();
            for (long v = 1; v <= 3; v++) {
                for (long batch = 1; batch <= 5; batch++) {
                    producer.send(version(batch, v));
                }
            }

            await().atMost(WAIT).untilAsserted(() -> assertThat(tables.historyCount()).isEqualTo(15));
            assertThat(tables.versions(CHAIN_ID)).isEqualTo(Map.of(1L, 3L, 2L, 3L, 3L, 3L, 4L, 3L, 5L, 3L));
            assertThat(tables.row(CHAIN_ID, 4)).hasValueSatisfying(row -> assertThat(row.status()).isEqualTo("acknowledged"));
            assertThat(sink.isHealthy()).isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(meters.counter("epm_postgres_sink_rows_total").count()).isBetween(5.0, 15.0));
            assertThat(meters.counter("epm_postgres_sink_batches_total").count()).isPositive();
            assertThat(meters.timer("epm_postgres_sink_write").count()).isPositive();
            assertThat(meters.counter("epm_postgres_sink_write_failures_total").count()).isZero();
        }
    }

    @Test
    void malformedRecordsAreSkippedAndTheOthersWritten() throws Exception {
        final MeterRegistry meters = new SimpleMeterRegistry();
        final byte[] keyOfBatch3 = Topics.BATCH_STATUS.keySerde().encode(new BatchId(CHAIN_ID, 3));
        try (StatusProducer producer = new StatusProducer(bootstrapServers, topic);
                BatchStatusSink sink = new BatchStatusSink(settings, database.dataSource(), meters)) {
            producer.send(version(1, 1));
            producer.sendRaw(keyOfBatch3, "not json at all");
            producer.sendRaw(keyOfBatch3, new String(Topics.BATCH_STATUS.valueSerde().encode(version(3, 1)))
                    .replace("ready_to_be_proven", "proven_somehow"));
            producer.sendRaw(keyOfBatch3, new String(Topics.BATCH_STATUS.valueSerde().encode(version(4, 1))));
            producer.send(version(2, 1));
            sink.start();

            await().atMost(WAIT).untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(Map.of(1L, 1L, 2L, 1L)));
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(meters.counter("epm_postgres_sink_malformed_records_total").count()).isEqualTo(3.0));
            assertThat(tables.historyCount()).isEqualTo(2);
            assertThat(sink.isHealthy()).isTrue();
        }
    }

    @Test
    void redeliveryAfterAConsumerRestartMovesNothingBackAndDuplicatesNoHistory() throws Exception {
        try (StatusProducer producer = new StatusProducer(bootstrapServers, topic);
                GroupOffsets group = new GroupOffsets(bootstrapServers, topic, settings.groupId())) {
            for (long v = 1; v <= 4; v++) {
                for (long batch = 1; batch <= 3; batch++) {
                    producer.send(version(batch, v));
                }
            }
            producer.send(version(1, 2));
            final long end = group.end();

            try (BatchStatusSink first = new BatchStatusSink(settings, database.dataSource(), new SimpleMeterRegistry())) {
                first.start();
                await().atMost(WAIT).untilAsserted(() -> assertThat(group.committed()).hasValue(end));
            }
            assertThat(tables.versions(CHAIN_ID)).isEqualTo(Map.of(1L, 4L, 2L, 4L, 3L, 4L));
            assertThat(tables.historyCount()).isEqualTo(12);

            group.rewindToStart();
            final MeterRegistry meters = new SimpleMeterRegistry();
            try (BatchStatusSink second = new BatchStatusSink(settings, database.dataSource(), meters)) {
                second.start();
                await().atMost(WAIT).untilAsserted(() -> assertThat(group.committed()).hasValue(end));
                assertThat(meters.counter("epm_postgres_sink_batches_total").count()).isPositive();
                assertThat(meters.counter("epm_postgres_sink_rows_total").count()).isZero();
            }
            assertThat(tables.versions(CHAIN_ID)).isEqualTo(Map.of(1L, 4L, 2L, 4L, 3L, 4L));
            assertThat(tables.history(CHAIN_ID, 1))
                    .containsExactly("1:ready_to_be_proven", "2:request_sent_to_l1", "3:acknowledged", "4:received_proof");
            assertThat(tables.historyCount()).isEqualTo(12);
        }
    }

    @Test
    void closeStopsTheNamedLoopThread() {
        final BatchStatusSink sink = new BatchStatusSink(settings, database.dataSource(), new SimpleMeterRegistry());
        assertThat(sink.isHealthy()).isFalse();
        sink.start();
        await().atMost(WAIT).until(() -> threadRunning(BatchStatusSink.THREAD_NAME));
        assertThat(sink.isHealthy()).isTrue();

        sink.close();

        assertThat(sink.isHealthy()).isFalse();
        assertThat(threadRunning(BatchStatusSink.THREAD_NAME)).isFalse();
    }

    private static boolean threadRunning(final String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
