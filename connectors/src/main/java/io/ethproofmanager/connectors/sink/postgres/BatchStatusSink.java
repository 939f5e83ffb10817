package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.kafka.RetryingConsumerLoop;
import io.ethproofmanager.connectors.logging.CauseChain;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the batch-status topic into PostgreSQL: each poll is written in one transaction and its offsets are committed
 * only after that, so a record is written at least once and, the writes being idempotent, changes the tables once.
 *
 * <p>Metrics (Prometheus names): {@code epm_postgres_sink_rows_total}, {@code epm_postgres_sink_batches_total},
 * {@code epm_postgres_sink_write_failures_total}, {@code epm_postgres_sink_malformed_records_total} and the timer
 * {@code epm_postgres_sink_write_seconds}.
 */
public final class BatchStatusSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchStatusSink.class);
    static final String THREAD_NAME = "epm-postgres-sink";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(40);

    private final BatchStatusSinkSettings settings;
    private final BatchStatusWriter writer;
    private final Counter rows;
    private final Counter batches;
    private final Counter writeFailures;
    private final Counter malformedRecords;
    private final Timer writeTimer;
    private final ConsumerService service;
    private volatile Optional<Outage> outage = Optional.empty();

    /** A run of failed writes: since when, how many attempts. */
    private record Outage(Instant since, int failedAttempts) {
        Outage next() {
            return new Outage(since, failedAttempts + 1);
        }
    }

    public BatchStatusSink(final BatchStatusSinkSettings settings, final DataSource dataSource, final MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.writer = new BatchStatusWriter(dataSource);
        Objects.requireNonNull(meters, "meters");
        this.rows = counter(meters, "epm_postgres_sink_rows_total", "current rows of eth_proof_manager inserted or moved forward");
        this.batches = counter(meters, "epm_postgres_sink_batches_total", "polled batches written and committed");
        this.writeFailures = counter(meters, "epm_postgres_sink_write_failures_total", "batch writes PostgreSQL refused or missed");
        this.malformedRecords = counter(meters, "epm_postgres_sink_malformed_records_total", "records skipped as malformed");
        this.writeTimer = Timer.builder("epm_postgres_sink_write")
                .description("time to write one batch to PostgreSQL, failed attempts included")
                .register(meters);
        this.service = new ConsumerService("Postgres sink", THREAD_NAME, settings.bootstrapServers(), settings.groupId(), settings.groupInstanceId(),
                settings.topic(), CLOSE_TIMEOUT, LOG);
    }

    /** Starts the consuming loop on its own thread; a sink starts once. */
    public void start() {
        service.start(this::consume);
    }

    /** True while the loop runs and PostgreSQL takes its writes; false before start, after close and during an outage. */
    public boolean isHealthy() {
        return service.isRunning() && outage.isEmpty();
    }

    /** Stops after the batch in hand is written and committed (or, while PostgreSQL is down, left for redelivery). */
    @Override
    public void close() {
        service.close();
    }

    private void consume() {
        try (RetryingConsumerLoop<byte[], byte[]> kafka = service.consumer(settings.pollTimeout(), settings.maxBatchSize(), Map.of())) {
            LOG.info("Postgres sink consuming {} as group {}", settings.topic(), settings.groupId());
            final StatusWrites writes = new StatusWrites();
            while (!service.isClosing()) {
                stepSurvivingErrors(kafka, writes);
            }
        }
    }

    /** A step that fails (broker trouble, mostly) is retried after the longest backoff; only closing ends the loop. */
    private void stepSurvivingErrors(final RetryingConsumerLoop<byte[], byte[]> kafka, final StatusWrites writes) {
        try {
            kafka.pollOnce(writes);
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final RuntimeException e) {
            LOG.warn("consuming {} failed, retrying in {} ms: {}", settings.topic(), settings.retryBackoffMax().toMillis(),
                    CauseChain.describe(e));
            service.awaitClosing(settings.retryBackoffMax());
        }
    }

    /** Each poll: decode, write, commit; or, when the write fails, rewind and back off. */
    private final class StatusWrites implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> polled) {
            final PolledBatch batch = PolledBatch.decode(polled, Topics.BATCH_STATUS);
            write(batch);
            skipMalformed(batch);
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> polled, final RuntimeException failure,
                final int consecutiveFailures) {
            if (!(failure instanceof WriteFailedException)) {
                LOG.warn("consuming {} failed, retrying in {} ms: {}", settings.topic(), settings.retryBackoffMax().toMillis(),
                        CauseChain.describe(failure));
                return settings.retryBackoffMax();
            }
            return settings.retryBackoff(outage.map(Outage::failedAttempts).orElse(1));
        }

        @Override
        public void committed(final Map<TopicPartition, OffsetAndMetadata> offsets) {
            batches.increment();
        }

        /** The database did commit; a failed offset commit only means the batch comes again, and writes are idempotent. */
        @Override
        public void commitFailed(final Map<TopicPartition, OffsetAndMetadata> offsets, final KafkaException failure) {
            LOG.warn("committing offsets {} failed within {} s; the batch is written and may be redelivered: {}", offsets,
                    RetryingConsumerLoop.COMMIT_TIMEOUT.toSeconds(), failure.toString());
        }
    }

    /** A write PostgreSQL refused or missed, already counted and logged: the batch is to come again. */
    private static final class WriteFailedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        WriteFailedException(final Exception cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Writes the batch's records; throws {@link WriteFailedException} (an outage noted) when PostgreSQL fails. */
    private void write(final PolledBatch batch) {
        if (batch.records().isEmpty()) {
            return;
        }
        final int changed;
        try {
            changed = writeTimer.recordCallable(() -> writer.write(batch.records()));
        } catch (final SQLException | RuntimeException e) {
            noteFailure(batch, e);
            throw new WriteFailedException(e);
        } catch (final Exception e) {
            throw new IllegalStateException("unexpected checked exception writing batch statuses", e);
        }
        rows.increment(changed);
        endOutage();
    }

    private void noteFailure(final PolledBatch batch, final Exception cause) {
        writeFailures.increment();
        final Optional<Outage> before = outage;
        outage = Optional.of(before.map(Outage::next).orElseGet(() -> new Outage(Instant.now(), 1)));
        if (before.isEmpty()) {
            LOG.warn("writing {} batch status record(s) to PostgreSQL failed; retrying with backoff from {} ms to {} ms until it"
                    + " succeeds (offsets stay uncommitted): {}", batch.records().size(), settings.retryBackoffMin().toMillis(),
                    settings.retryBackoffMax().toMillis(), CauseChain.describe(cause));
        } else {
            LOG.debug("write attempt {} failed: {}", outage.get().failedAttempts(), CauseChain.describe(cause));
        }
    }

    private void endOutage() {
        outage.ifPresent(ended -> LOG.info("PostgreSQL takes writes again after {} failed attempt(s) over {} ms",
                ended.failedAttempts(), Duration.between(ended.since(), Instant.now()).toMillis()));
        outage = Optional.empty();
    }

    private void skipMalformed(final PolledBatch batch) {
        for (final PolledBatch.Malformed skipped : batch.malformed()) {
            LOG.error("skipping malformed record {}-{}@{}: {}", skipped.topic(), skipped.partition(), skipped.offset(),
                    skipped.reason());
            malformedRecords.increment();
        }
    }

    private static Counter counter(final MeterRegistry meters, final String name, final String description) {
        return Counter.builder(name).description(description).register(meters);
    }
}
