package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestClock;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker against its own broker, stopped and restarted under it. */
class ReadinessCheckerBrokerOutageTest {

    private static final long CHAIN_ID = 271;
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(20);
    private static EmbeddedKafkaBroker broker;
    private static Database database;

    @TempDir
    Path blobs;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void infrastructure() {
        database = SharedInfrastructure.freshDatabase("readiness_outage_test");
        broker = EmbeddedKafkaBroker.start(SharedInfrastructure.tempDir("outage-kafka"));
        SharedInfrastructure.createTopics(broker.bootstrapServers(), Topics.READINESS.name());
    }

    @AfterAll
    static void stopInfrastructure() {
        broker.close();
        database.close();
    }

    @Test
    void batchesFailWithPublishFailedWhileTheBrokerIsDownAndArePublishedAfterItReturns() {
        final var rollupStore = new FileSystemBlobStore(blobs.resolve("rollup"));
        final var settings = ReadinessSettings.from(TestSettings.with(Map.of("epm.readiness.retry-backoff-min", "5s",
                        "epm.readiness.retry-backoff-max", BACKOFF_MAX.toMillis() + "ms")), broker.bootstrapServers(), CHAIN_ID,
                        new ProtocolVersion(0, 28, 1))
                .withProducerOverrides(Map.of("delivery.timeout.ms", "3000", "request.timeout.ms", "1000", "max.block.ms", "2000"));
        final Random random = new Random(11);

        try (ReadinessChecker checker = new ReadinessChecker(settings, database.dataSource(), rollupStore,
                new FileSystemBlobStore(blobs.resolve("public")), meters, clock)) {
            final List<Long> before = ReadyBatchSeeder.seed(database.dataSource(), rollupStore::write, 1, random);
            assertThat(checker.pollOnce()).isEqualTo(1);

            broker.stop();
            final List<Long> during = ReadyBatchSeeder.seed(database.dataSource(), rollupStore::write, 2, random);
            assertThat(checker.pollOnce()).isZero();
            for (final long batch : during) {
                final ReadinessRow row = ReadinessRow.existing(database.dataSource(), batch);
                assertThat(row.attempts()).isEqualTo(1);
                assertThat(row.publishedAt()).isEmpty();
                assertThat(row.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("publish_failed: ").contains("after"));
                assertThat(row.nextAttemptAt()).contains(clock.instant().plusSeconds(5));
            }
            assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(CHAIN_ID), "reason", "publish_failed").count()).isEqualTo(2);

            broker.start();
            await("the batches failed during the outage to be published after the broker returned")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        clock.advance(BACKOFF_MAX);
                        checker.pollOnce();
                        return during.stream().allMatch(b -> ReadinessRow.existing(database.dataSource(), b).publishedAt().isPresent());
                    });

            final Map<Long, Long> perBatch = ReadinessTopic.events(broker.bootstrapServers(), CHAIN_ID).stream()
                    .collect(Collectors.groupingBy(ReadinessEvent::batchNumber, Collectors.counting()));
            assertThat(perBatch).isEqualTo(Map.of(before.get(0), 1L, during.get(0), 1L, during.get(1), 1L));
        }
    }
}
