package io.ethproofmanager.connectors.sink.postgres;

import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.CHAIN_ID;
import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The sink under a PostgreSQL restart and a broker restart, each on its own server, with records still arriving. */
class BatchStatusSinkRestartTest {

    private static final long BATCHES = 10;
    private static final Duration WAIT = Duration.ofSeconds(25);

    private final ListAppender<ILoggingEvent> sinkLog = new ListAppender<>();
    private final Logger sinkLogger = (Logger) LoggerFactory.getLogger(BatchStatusSink.class);

    @BeforeEach
    void captureSinkLog() {
        sinkLog.start();
        sinkLogger.addAppender(sinkLog);
    }

    @AfterEach
    void releaseSinkLog() {
        sinkLogger.detachAppender(sinkLog);
    }

    @Test
    @Timeout(60)
    void postgresRestartLosesAndDuplicatesNoStatusChange() throws Exception {
        final String bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        final String topic = Topics.BATCH_STATUS.name() + ".postgres-restart-" + System.nanoTime();
        SharedInfrastructure.createTopics(bootstrapServers, topic);
        final MeterRegistry meters = new SimpleMeterRegistry();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(SharedInfrastructure.tempDir("sink-restart-pg"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4);
                StatusProducer producer = new StatusProducer(bootstrapServers, topic);
                BatchStatusSink sink = new BatchStatusSink(settings(bootstrapServers, topic), database.dataSource(), meters)) {
            database.migrate(false, 271);
            final StatusTables tables = new StatusTables(database.dataSource());
            sink.start();
            produceVersions(producer, 1, 2).forEach(StatusProducer::await);
            await().atMost(WAIT).untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(allAt(2)));

            postgres.stop();
            produceVersions(producer, 3, 3).forEach(StatusProducer::await);
            // a second failed attempt is one made against the stopped server, not only with a connection it closed
            await().atMost(WAIT).until(() -> meters.counter("epm_postgres_sink_write_failures_total").count() >= 2);
            assertThat(sink.isHealthy()).isFalse();
            final Thread laterVersions = new Thread(() -> produceVersions(producer, 4, 6).forEach(StatusProducer::await),
                    "test-status-producer");
            laterVersions.start();
            postgres.start();
            laterVersions.join(WAIT.toMillis());

            // the pool may first hand the test a connection the stopped server closed: that read is tried again
            await().atMost(WAIT).ignoreExceptionsInstanceOf(SQLException.class)
                    .untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(allAt(6)));
            assertEveryVersionInHistoryOnce(tables, 6);
            await().atMost(WAIT).until(sink::isHealthy);
            assertThat(outageWarnings()).as("one warning for the whole outage").hasSize(1);
        }
    }

    @Test
    @Timeout(60)
    void closingDuringAnOutageCommitsNothingAndTheNextSinkWritesTheBatch() throws Exception {
        final String bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        final String topic = Topics.BATCH_STATUS.name() + ".close-in-outage-" + System.nanoTime();
        SharedInfrastructure.createTopics(bootstrapServers, topic);
        final BatchStatusSinkSettings settings = settings(bootstrapServers, topic);
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(SharedInfrastructure.tempDir("sink-close-pg"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4);
                StatusProducer producer = new StatusProducer(bootstrapServers, topic);
                GroupOffsets group = new GroupOffsets(bootstrapServers, topic, settings.groupId())) {
            database.migrate(false, 271);
            postgres.stop();
            final MeterRegistry meters = new SimpleMeterRegistry();
            try (BatchStatusSink first = new BatchStatusSink(settings, database.dataSource(), meters)) {
                first.start();
                produceVersions(producer, 1, 1).forEach(StatusProducer::await);
                await().atMost(WAIT).until(() -> meters.counter("epm_postgres_sink_write_failures_total").count() >= 1);
            }
            assertThat(group.committed()).isEmpty();

            postgres.start();
            try (BatchStatusSink second = new BatchStatusSink(settings, database.dataSource(), new SimpleMeterRegistry())) {
                second.start();
                final StatusTables tables = new StatusTables(database.dataSource());
                // the pool may first hand the test a connection the stopped server closed: that read is tried again
                await().atMost(WAIT).ignoreExceptionsInstanceOf(SQLException.class)
                        .untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(allAt(1)));
                assertEveryVersionInHistoryOnce(tables, 1);
            }
        }
    }

    @Test
    @Timeout(60)
    void brokerRestartLosesAndDuplicatesNoStatusChange() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(SharedInfrastructure.tempDir("sink-restart-kafka"));
                Database database = SharedInfrastructure.freshDatabase("batch_status_sink_broker_restart_test")) {
            final String topic = Topics.BATCH_STATUS.name() + ".broker-restart";
            SharedInfrastructure.createTopics(broker.bootstrapServers(), topic);
            final StatusTables tables = new StatusTables(database.dataSource());
            final MeterRegistry meters = new SimpleMeterRegistry();
            final BatchStatusSinkSettings settings = settings(broker.bootstrapServers(), topic);
            try (StatusProducer producer = new StatusProducer(broker.bootstrapServers(), topic);
                    BatchStatusSink sink = new BatchStatusSink(settings, database.dataSource(), meters);
                    GroupOffsets group = new GroupOffsets(broker.bootstrapServers(), topic, settings.groupId())) {
                sink.start();
                produceVersions(producer, 1, 2).forEach(StatusProducer::await);
                await().atMost(WAIT).untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(allAt(2)));

                broker.stop();
                // with no broker the producer's send blocks on metadata, as a producing service's would
                final FutureTask<List<Future<RecordMetadata>>> sentWhileDown =
                        new FutureTask<>(() -> produceVersions(producer, 3, 3));
                new Thread(sentWhileDown, "test-status-producer").start();
                broker.start();
                sentWhileDown.get(WAIT.toSeconds(), TimeUnit.SECONDS).forEach(StatusProducer::await);
                produceVersions(producer, 4, 5).forEach(StatusProducer::await);

                await().atMost(WAIT).untilAsserted(() -> assertThat(tables.versions(CHAIN_ID)).isEqualTo(allAt(5)));
                assertEveryVersionInHistoryOnce(tables, 5);
                final long end = group.end();
                await().atMost(WAIT).untilAsserted(() -> assertThat(group.committed()).hasValue(end));
                assertThat(sink.isHealthy()).isTrue();
                assertThat(meters.counter("epm_postgres_sink_write_failures_total").count()).isZero();
            }
        }
    }

    private static BatchStatusSinkSettings settings(final String bootstrapServers, final String topic) {
        return BatchStatusSinkSettings.from(TestSettings.with(Map.of("epm.postgres-sink.max-batch-size", 7,
                "epm.postgres-sink.retry-backoff-min", "100ms", "epm.postgres-sink.retry-backoff-max", "1s")), bootstrapServers,
                "restart-test-" + topic).withTopic(topic);
    }

    /** Sends versions {@code from..to} of every batch, version by version, without waiting for acknowledgements. */
    private static List<Future<RecordMetadata>> produceVersions(final StatusProducer producer, final long from, final long to) {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            for (long batch = 1; batch <= BATCHES; batch++) {
                sent.add(producer.sendAsync(version(batch, v)));
            }
        }
        return sent;
    }

    private static Map<Long, Long> allAt(final long version) {
        return LongStream.rangeClosed(1, BATCHES).boxed().collect(Collectors.toMap(b -> b, b -> version));
    }

    private static void assertEveryVersionInHistoryOnce(final StatusTables tables, final long lastVersion) throws Exception {
        assertThat(tables.historyCount()).isEqualTo(BATCHES * lastVersion);
        for (long batch = 1; batch <= BATCHES; batch++) {
            final long b = batch;
            assertThat(tables.history(CHAIN_ID, batch))
                    .as("history of batch %d", batch)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, lastVersion)
                            .mapToObj(v -> v + ":" + version(b, v).status().wireName())
                            .toList());
        }
    }

    private List<ILoggingEvent> outageWarnings() {
        return sinkLog.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("to PostgreSQL failed"))
                .toList();
    }
}
