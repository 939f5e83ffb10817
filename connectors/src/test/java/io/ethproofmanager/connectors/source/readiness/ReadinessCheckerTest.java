package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.connectors.testing.TestClock;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessCheckerTest {

    private static final AtomicLong CHAIN_IDS = new AtomicLong(1000);
    private static final ProtocolVersion VERSION = new ProtocolVersion(0, 28, 1);
    private static final Duration BACKOFF_MIN = Duration.ofSeconds(10);
    private static Database database;
    private static String bootstrapServers;

    @TempDir
    Path rollupRoot;
    @TempDir
    Path publicRoot;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Random random = new Random(7);
    private long chainId;
    private DataSource dataSource;
    private FileSystemBlobStore rollupStore;
    private FileSystemBlobStore publicStore;
    private ReadinessSettings settings;

    @BeforeAll
    static void infrastructure() {
        database = SharedInfrastructure.freshDatabase("readiness_checker_test");
        bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        SharedInfrastructure.createTopics(bootstrapServers, Topics.READINESS.name());
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @BeforeEach
    void emptyTablesAndNewChain() {
        dataSource = database.dataSource();
        ReadinessRow.execute(dataSource, "TRUNCATE proof_generation_details, eth_proof_manager_readiness");
        chainId = CHAIN_IDS.incrementAndGet();
        rollupStore = new FileSystemBlobStore(rollupRoot);
        publicStore = new FileSystemBlobStore(publicRoot, "https://public.example.org/blobs");
        settings = settings(Map.of());
    }

    @Test
    void readyBatchesArePublishedOnceWithTheirPublicCopy() {
        final List<Long> batches = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 3, random);
        ReadinessRow.execute(dataSource, "INSERT INTO proof_generation_details (l1_batch_number, status) VALUES (100, 'unpicked')");

        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isEqualTo(3);
            assertThat(checker.pollOnce()).isZero();
        }

        final Map<Long, ReadinessEvent> events = eventsByBatch();
        assertThat(events).containsOnlyKeys(batches);
        for (final long batch : batches) {
            final ReadinessEvent event = events.get(batch);
            assertThat(event.proofGenDataBlobUrl()).isEqualTo("https://public.example.org/blobs/public_witness_inputs/witness_inputs_" + batch + "_" + chainId + ".cbor");
            assertThat(event.protocolVersion()).isEqualTo(VERSION);
            assertThat(event.readyAt()).isEqualTo(clock.instant());
            assertThat(publicStore.read(event.proofGenDataBlobUrl())).isEqualTo(rollupStore.read("proof_gen_data/" + batch + ".bin"));
            final ReadinessRow row = ReadinessRow.existing(dataSource, batch);
            assertThat(row.publicBlobUrl()).contains(event.proofGenDataBlobUrl());
            assertThat(row.publishedAt()).contains(clock.instant());
            assertThat(row.lastError()).isEmpty();
        }
        assertThat(ReadinessRow.of(dataSource, 100)).isEmpty();
        assertThat(meters.counter("epm_readiness_published_total", "chain", Long.toString(chainId)).count()).isEqualTo(3);
    }

    @Test
    void missingBlobFailsOnlyItsBatchAndIsRetriedAfterTheBackoff() throws Exception {
        final List<Long> batches = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 3, random);
        final long missing = batches.get(1);
        final Path missingFile = rollupRoot.resolve("proof_gen_data/" + missing + ".bin");
        final byte[] missingData = Files.readAllBytes(missingFile);
        Files.delete(missingFile);

        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isEqualTo(2);
            final ReadinessRow failed = ReadinessRow.existing(dataSource, missing);
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.publishedAt()).isEmpty();
            assertThat(failed.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("blob_missing: ").contains("proof_gen_data/" + missing));
            assertThat(failed.nextAttemptAt()).contains(clock.instant().plus(BACKOFF_MIN));
            assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(chainId), "reason", "blob_missing").count()).isEqualTo(1);

            rollupStore.write("proof_gen_data/" + missing + ".bin", missingData);
            clock.advance(BACKOFF_MIN.minusSeconds(1));
            assertThat(checker.pollOnce()).as("a batch is not retried before its backoff elapsed").isZero();
            assertThat(ReadinessRow.existing(dataSource, missing).attempts()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            assertThat(checker.pollOnce()).isEqualTo(1);
        }

        final ReadinessRow published = ReadinessRow.existing(dataSource, missing);
        assertThat(published.publishedAt()).contains(clock.instant());
        assertThat(published.lastError()).isEmpty();
        assertThat(eventsPerBatch()).isEqualTo(Map.of(batches.get(0), 1L, missing, 1L, batches.get(2), 1L));
        assertThat(publicStore.read(eventsByBatch().get(missing).proofGenDataBlobUrl())).isEqualTo(missingData);
    }

    @Test
    void repeatedFailuresBackOffExponentially() {
        ReadinessRow.execute(dataSource,
                "INSERT INTO proof_generation_details (l1_batch_number, status, proof_gen_data_blob_url) VALUES (9, 'unpicked', 'nowhere/9.bin')");

        try (ReadinessChecker checker = checker()) {
            for (final int backoffSeconds : new int[] {10, 20, 40, 80, 80}) {
                final Instant attemptedAt = clock.instant();
                assertThat(checker.pollOnce()).isZero();
                assertThat(ReadinessRow.existing(dataSource, 9).nextAttemptAt()).contains(attemptedAt.plusSeconds(backoffSeconds));
                clock.advance(Duration.ofSeconds(backoffSeconds));
            }
        }
        assertThat(ReadinessRow.existing(dataSource, 9).attempts()).isEqualTo(5);
        assertThat(eventsByBatch()).isEmpty();
    }

    @Test
    void aNewCheckerOnTheSameDatabasePublishesOnlyTheNewBatches() {
        final List<Long> first = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 3, random);
        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isEqualTo(3);
        }
        final List<Long> second = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 2, random);

        try (ReadinessChecker restarted = checker()) {
            assertThat(restarted.pollOnce()).isEqualTo(2);
            assertThat(restarted.pollOnce()).isZero();
        }

        final Map<Long, Long> perBatch = eventsPerBatch();
        assertThat(perBatch.keySet()).containsExactlyInAnyOrderElementsOf(concat(first, second));
        assertThat(perBatch.values()).containsOnly(1L);
    }

    @Test
    void startedCheckerPublishesOnItsNamedThreadAndStopsOnClose() {
        final ReadinessChecker checker = checker();
        checker.start();
        final List<Long> batches = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 2, random);

        await("both seeded batches published by the scheduled checker").atMost(Duration.ofSeconds(30))
                .until(() -> eventsByBatch().keySet().containsAll(batches));
        assertThat(liveThreadNames()).contains(ReadinessChecker.threadName(chainId));

        checker.close();
        await("the checker's thread to end").atMost(Duration.ofSeconds(10))
                .until(() -> !liveThreadNames().contains(ReadinessChecker.threadName(chainId)));
        assertThatThrownBy(checker::pollOnce).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(eventsPerBatch().values()).containsOnly(1L);
    }

    @Test
    void scheduledCheckerSurvivesDatabaseFailuresAndCatchesUp() {
        final List<Long> batches = ReadyBatchSeeder.seed(dataSource, rollupStore::write, 2, random);
        ReadinessRow.execute(dataSource, "ALTER TABLE eth_proof_manager_readiness RENAME TO readiness_away");
        try (ReadinessChecker checker = checker()) {
            checker.start();
            await("two failed rounds").atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("epm_readiness_round_failures_total", "chain", Long.toString(chainId)).count() >= 2);
            assertThat(eventsByBatch()).isEmpty();

            ReadinessRow.execute(dataSource, "ALTER TABLE readiness_away RENAME TO eth_proof_manager_readiness");
            await("both batches published after the table came back").atMost(Duration.ofSeconds(30))
                    .until(() -> batches.stream().allMatch(b -> ReadinessRow.of(dataSource, b).flatMap(ReadinessRow::publishedAt).isPresent()));
        }
        assertThat(eventsPerBatch()).isEqualTo(Map.of(batches.get(0), 1L, batches.get(1), 1L));
    }

    @Test
    void malformedBlobLocationsFailOnlyTheirBatchesWithAShortReasonAndTheNextBatchesPublish() {
        final Map<Long, String> malformed = Map.of(
                2L, "",
                3L, "../outside/3.bin",
                4L, "proof_gen_data/\u0007bell\n4.bin",
                5L, "proof_gen_data/" + "x".repeat(100_000) + ".bin");
        malformed.forEach(this::readyBatch);
        for (final long good : new long[] {1, 6}) {
            rollupStore.write("proof_gen_data/" + good + ".bin", new byte[] {(byte) good});
            readyBatch(good, "proof_gen_data/" + good + ".bin");
        }

        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isEqualTo(2);
        }

        assertThat(eventsByBatch()).containsOnlyKeys(1L, 6L);
        for (final long bad : malformed.keySet()) {
            final ReadinessRow row = ReadinessRow.existing(dataSource, bad);
            assertThat(row.publishedAt()).isEmpty();
            assertThat(row.nextAttemptAt()).contains(clock.instant().plus(BACKOFF_MIN));
            assertThat(row.lastError()).hasValueSatisfying(error -> assertThat(error)
                    .startsWith("blob_location_invalid: ").hasSizeLessThan(600).doesNotContain("\u0007", "\n"));
        }
        assertThat(ReadinessRow.existing(dataSource, 2).lastError().orElseThrow()).contains("blank");
        assertThat(ReadinessRow.existing(dataSource, 3).lastError().orElseThrow()).contains("'..' segments");
        assertThat(ReadinessRow.existing(dataSource, 4).lastError().orElseThrow()).contains("control characters")
                .contains("\\u0007bell\\u000a4.bin");
        assertThat(ReadinessRow.existing(dataSource, 5).lastError().orElseThrow()).contains("at most 1024 bytes")
                .contains("(100019 characters)");
        assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(chainId), "reason", "blob_location_invalid").count()).isEqualTo(4);
        assertThat(publicRoot.resolve("public_witness_inputs")).isDirectoryContaining("glob:**/witness_inputs_1_" + chainId + ".cbor")
                .isDirectoryContaining("glob:**/witness_inputs_6_" + chainId + ".cbor")
                .isDirectoryNotContaining("glob:**/witness_inputs_{2,3,4,5}_*.cbor");
    }

    @Test
    void proofInputsOverTheLimitFailTheirBatchWithoutBeingRead() {
        settings = settings(Map.of("epm.readiness.max-inputs-bytes", 1000));
        rollupStore.write("proof_gen_data/1.bin", new byte[1000]);
        rollupStore.write("proof_gen_data/2.bin", new byte[1001]);
        readyBatch(1, "proof_gen_data/1.bin");
        readyBatch(2, "proof_gen_data/2.bin");
        final List<String> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        final BlobStore watchedRollupStore = new BlobStore() {
            @Override
            public byte[] read(final String location) {
                reads.add(location);
                return rollupStore.read(location);
            }

            @Override
            public long size(final String location) {
                return rollupStore.size(location);
            }

            @Override
            public String write(final String key, final byte[] data) {
                return rollupStore.write(key, data);
            }
        };

        try (ReadinessChecker checker = new ReadinessChecker(settings, dataSource, watchedRollupStore, publicStore, meters, clock)) {
            assertThat(checker.pollOnce()).isEqualTo(1);
            clock.advance(BACKOFF_MIN);
            assertThat(checker.pollOnce()).as("still too large at the retry").isZero();
        }

        assertThat(reads).containsExactly("proof_gen_data/1.bin");
        assertThat(eventsByBatch()).containsOnlyKeys(1L);
        final ReadinessRow tooLarge = ReadinessRow.existing(dataSource, 2);
        assertThat(tooLarge.attempts()).isEqualTo(2);
        assertThat(tooLarge.publishedAt()).isEmpty();
        assertThat(tooLarge.lastError()).hasValueSatisfying(error -> assertThat(error).isEqualTo("blob_too_large: the blob at "
                + "'proof_gen_data/2.bin' has 1001 bytes, over the limit of 1000 bytes; not read"));
        assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(chainId), "reason", "blob_too_large").count()).isEqualTo(2);
    }

    @Test
    void aPublicUrlTheSchemaWouldRefuseIsNeverPublished() {
        // the URL of a one-digit batch is exactly the schema's 2048 characters, that of a two-digit batch one more
        final String tail = "/public_witness_inputs/witness_inputs_9_" + chainId + ".cbor";
        final String base = "https://cdn.example.org/" + "u".repeat(2048 - "https://cdn.example.org/".length() - tail.length());
        publicStore = new FileSystemBlobStore(publicRoot, base);
        for (final long batch : new long[] {9, 10, 11}) {
            rollupStore.write("proof_gen_data/" + batch + ".bin", new byte[] {(byte) batch});
            readyBatch(batch, "proof_gen_data/" + batch + ".bin");
        }

        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isEqualTo(1);
        }

        final Map<Long, ReadinessEvent> events = eventsByBatch();
        assertThat(events).containsOnlyKeys(9L);
        assertThat(events.get(9L).proofGenDataBlobUrl()).hasSize(2048);
        for (final long batch : new long[] {10, 11}) {
            assertThat(ReadinessRow.existing(dataSource, batch).lastError()).hasValueSatisfying(error -> assertThat(error)
                    .startsWith("event_invalid: the readiness event would violate v1/readiness-event.schema.json")
                    .contains("at most 2,048 characters").contains("(2049 characters)").hasSizeLessThan(600));
        }
        assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(chainId), "reason", "event_invalid").count()).isEqualTo(2);
    }

    @Test
    void aKeyPrefixTooLongForAnyStoreFailsItsBatchesClearly() {
        settings = settings(Map.of("epm.blob-stores.public.key-template", ("p".repeat(250) + "/").repeat(5) + "{batch}"));
        rollupStore.write("proof_gen_data/1.bin", new byte[] {1});
        readyBatch(1, "proof_gen_data/1.bin");

        try (ReadinessChecker checker = checker()) {
            assertThat(checker.pollOnce()).isZero();
        }

        assertThat(eventsByBatch()).isEmpty();
        assertThat(ReadinessRow.existing(dataSource, 1).lastError()).hasValueSatisfying(error -> assertThat(error)
                .startsWith("public_write_failed: ").contains("at most 1024 bytes").hasSizeLessThan(600));
    }

    private ReadinessChecker checker() {
        return new ReadinessChecker(settings, dataSource, rollupStore, publicStore, meters, clock);
    }

    /** A ready row of {@code proof_generation_details} with {@code location}, whatever it holds. */
    private void readyBatch(final long batch, final String location) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement s = c.prepareStatement(
                "INSERT INTO proof_generation_details (l1_batch_number, status, proof_gen_data_blob_url) VALUES (?, 'unpicked', ?)")) {
            s.setLong(1, batch);
            s.setString(2, location);
            s.executeUpdate();
        } catch (final java.sql.SQLException e) {
            throw new IllegalStateException("cannot insert ready batch " + batch, e);
        }
    }

    private Map<Long, ReadinessEvent> eventsByBatch() {
        return ReadinessTopic.events(bootstrapServers, chainId).stream()
                .collect(Collectors.toMap(ReadinessEvent::batchNumber, Function.identity(), (a, b) -> b));
    }

    private Map<Long, Long> eventsPerBatch() {
        return ReadinessTopic.events(bootstrapServers, chainId).stream()
                .collect(Collectors.groupingBy(ReadinessEvent::batchNumber, Collectors.counting()));
    }

    private static List<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    private static List<Long> concat(final List<Long> a, final List<Long> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The reference settings with a backoff from 10 s to 80 s, rounds every 100 ms and {@code overrides}. */
    private ReadinessSettings settings(final Map<String, Object> overrides) {
        final Map<String, Object> all = new java.util.HashMap<>(Map.of("epm.readiness.retry-backoff-min", BACKOFF_MIN.toMillis() + "ms",
                "epm.readiness.retry-backoff-max", "80s", "epm.readiness.poll-interval", "100ms"));
        all.putAll(overrides);
        return ReadinessSettings.from(TestSettings.with(all), bootstrapServers, chainId, VERSION);
    }
}
