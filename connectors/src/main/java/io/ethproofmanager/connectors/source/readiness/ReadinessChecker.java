package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.connectors.blob.BlobKeys;
import io.ethproofmanager.connectors.blob.BlobNotFoundException;
import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.BlobStoreException;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.connectors.source.readiness.ReadinessTable.DueBatch;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the rollup's ready batches: copies each batch's proof generation data to the public blob store and emits a
 * {@link ReadinessEvent} on {@link Topics#READINESS}.
 *
 * <p>A round ({@link #pollOnce()}) takes the ready batches of {@code proof_generation_details} that have no published
 * row in {@code eth_proof_manager_readiness} and are due, lowest first. Per batch: read the blob from the rollup store,
 * write it to the public store under a key that is the same for every attempt, send the event with an idempotent
 * {@code acks=all} producer and wait for the acknowledgement, then record {@code published_at} and the public URL. A
 * batch that fails (blob missing or unreadable, public write or publish failed) is logged, counted, and retried after
 * an exponential backoff; the other batches of the round go on.
 *
 * <p>Bad input fails only its batch, with a reason of its own: a blob location the store refuses (blank, {@code ..},
 * control characters, over 1024 bytes) is {@code blob_location_invalid}; a blob over {@code maxInputsBytes} is
 * {@code blob_too_large}, found from the store's metadata before anything is read; an event that would violate
 * {@code v1/readiness-event.schema.json} (e.g. a public URL over 2048 characters) is {@code event_invalid} and is never
 * published, so a consumer never meets it.
 *
 * <p>Delivery is effectively once per batch: a published row is never selected again, so re-polls and restarts (a new
 * checker on the same database) neither lose nor repeat a batch. The one window is a crash (or a database failure)
 * between the broker's acknowledgement and the database update: the batch is then published again by a later round,
 * with the same key and the same public URL, and the topology drops the duplicate. Run one checker per rollup
 * database; a second one would widen that window, not lose batches. A deployment of several rollup chains runs one checker
 * per chain, each with its progress rows (chain id, batch) and its metrics tagged {@code chain}.
 */
public final class ReadinessChecker implements AutoCloseable {

    /** Prefix of the name of a checker's scheduling thread ({@link #threadName}). */
    public static final String THREAD_NAME = "epm-readiness-checker";

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessChecker.class);
    private static final Duration ROUND_GRACE = Duration.ofSeconds(30);

    private final ReadinessSettings settings;
    private final ReadinessTable table;
    private final BlobStore rollupStore;
    private final BlobStore publicStore;
    private final Clock clock;
    private final ReadinessEventProducer producer;
    private final ScheduledExecutorService scheduler;
    private final Object roundLock = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger lastRoundDue = new AtomicInteger();
    private final Counter published;
    private final Counter roundFailures;
    private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
    private final Timer roundTimer;
    private final MeterRegistry meters;
    private final Gauge dueGauge;
    private volatile ScheduledFuture<?> rounds;

    /** A checker of the chain's {@code proof_generation_details} in the manager's database {@code dataSource}. */
    public ReadinessChecker(final ReadinessSettings settings, final DataSource dataSource, final BlobStore rollupStore,
            final BlobStore publicStore, final MeterRegistry meters, final Clock clock) {
        this(settings, dataSource, ProofGenerationDetails.inManagerDatabase(dataSource), rollupStore, publicStore, meters, clock);
    }

    /**
     * A checker of the chain {@code settings.chainId()}: its ready batches in {@code details}, its progress in the manager's
     * database {@code dataSource}, its proof inputs copied from {@code rollupStore} to {@code publicStore}. Its metrics
     * carry the tag {@code chain}.
     */
    public ReadinessChecker(final ReadinessSettings settings, final DataSource dataSource, final ProofGenerationDetails details,
            final BlobStore rollupStore, final BlobStore publicStore, final MeterRegistry meters, final Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.table = new ReadinessTable(Objects.requireNonNull(dataSource, "dataSource"), settings.chainId(), details);
        this.rollupStore = Objects.requireNonNull(rollupStore, "rollupStore");
        this.publicStore = Objects.requireNonNull(publicStore, "publicStore");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        final String chain = Long.toString(settings.chainId());
        this.published = Counter.builder("epm_readiness_published_total").tag("chain", chain)
                .description("batches whose readiness event was acknowledged and recorded").register(meters);
        this.roundFailures = Counter.builder("epm_readiness_round_failures_total").tag("chain", chain)
                .description("rounds abandoned, e.g. because the database was unavailable").register(meters);
        for (final FailureReason reason : FailureReason.values()) {
            failures.put(reason, Counter.builder("epm_readiness_failures_total").tag("chain", chain).tag("reason", reason.tag())
                    .description("batch publication attempts that failed, by reason").register(meters));
        }
        this.roundTimer = Timer.builder("epm_readiness_round_duration").tag("chain", chain)
                .description("duration of a readiness round").register(meters);
        this.dueGauge = Gauge.builder("epm_readiness_due_batches", lastRoundDue, AtomicInteger::get).tag("chain", chain)
                .description("batches due in the last round").register(meters);
        this.producer = new ReadinessEventProducer(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, threadName(settings.chainId())));
    }

    /** The name of the scheduling thread of chain {@code chainId}'s checker: {@value #THREAD_NAME}-{@code <chain id>}. */
    public static String threadName(final long chainId) {
        return THREAD_NAME + "-" + chainId;
    }

    /** Runs {@link #pollOnce()} now and then every {@code pollInterval} after each round ends, on {@link #threadName}. */
    public void start() {
        ensureOpen();
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("readiness checker already started");
        }
        rounds = scheduler.scheduleWithFixedDelay(this::scheduledRound, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("readiness checker started for chain {}: every {}, up to {} batches a round",
                settings.chainId(), settings.pollInterval(), settings.batchLimit());
    }

    /** True while rounds are scheduled: after {@link #start()}, before {@link #close()}, and unless a round threw an error. */
    public boolean isRunning() {
        final ScheduledFuture<?> scheduled = rounds;
        return scheduled != null && !scheduled.isDone() && !closed.get();
    }

    /**
     * One round: publishes the due batches (at most {@code batchLimit}) and returns how many were published.
     *
     * @throws ReadinessDatabaseException when the database cannot be read or a publication cannot be recorded
     */
    public int pollOnce() {
        synchronized (roundLock) {
            ensureOpen();
            return roundTimer.record(this::round);
        }
    }

    /**
     * Stops scheduling, lets the batch in hand finish (blob copy, acknowledgement, database row), skips the rest of the
     * round, and flushes and closes the producer.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdown();
        awaitRoundEnd();
        producer.close();
        meters.remove(dueGauge);
        LOG.info("readiness checker for chain {} closed", settings.chainId());
    }

    private int round() {
        final List<DueBatch> due = table.due(clock.instant(), settings.batchLimit());
        lastRoundDue.set(due.size());
        int count = 0;
        for (final DueBatch batch : due) {
            if (closed.get() || Thread.currentThread().isInterrupted()) {
                break;
            }
            count += publish(batch) ? 1 : 0;
        }
        return count;
    }

    private boolean publish(final DueBatch batch) {
        try {
            final String publicUrl = copyToPublicStore(batch);
            final Instant readyAt = clock.instant();
            producer.publish(checked(new ReadinessEvent(settings.chainId(), batch.batchNumber(), publicUrl, settings.protocolVersion(), readyAt)));
            table.recordPublished(batch.batchNumber(), publicUrl, readyAt);
            published.increment();
            LOG.info("batch {}:{} is ready: published {}", settings.chainId(), batch.batchNumber(), publicUrl);
            return true;
        } catch (final BatchFailure failure) {
            recordFailure(batch, failure);
            return false;
        }
    }

    private String copyToPublicStore(final DueBatch batch) throws BatchFailure {
        final byte[] data = readRollupBlob(batch);
        try {
            return publicStore.write(settings.publicKey(batch.batchNumber()), data);
        } catch (final BlobStoreException | IllegalArgumentException e) {
            throw new BatchFailure(FailureReason.PUBLIC_WRITE_FAILED, "cannot write the public copy to " + publicStore + ": " + e.getMessage(), e);
        }
    }

    /** The batch's proof generation data: its size is asked first, so an over-size blob is never read. */
    private byte[] readRollupBlob(final DueBatch batch) throws BatchFailure {
        final String location = batch.blobLocation();
        try {
            requireWithinLimit(location, rollupStore.size(location));
            final byte[] data = rollupStore.read(location);
            requireWithinLimit(location, data.length); // replaced by a larger one since the size was asked
            return data;
        } catch (final BlobNotFoundException e) {
            throw new BatchFailure(FailureReason.BLOB_MISSING, e.getMessage(), e);
        } catch (final IllegalArgumentException e) {
            throw new BatchFailure(FailureReason.BLOB_LOCATION_INVALID, "the blob location is not a valid key of " + rollupStore
                    + ": " + e.getMessage(), e);
        } catch (final BlobStoreException e) {
            throw new BatchFailure(FailureReason.BLOB_UNREADABLE, "cannot read " + BlobKeys.shown(location) + ": " + e.getMessage(), e);
        }
    }

    private void requireWithinLimit(final String location, final long size) throws BatchFailure {
        if (size > settings.maxInputsBytes()) {
            throw new BatchFailure(FailureReason.BLOB_TOO_LARGE, "the blob at " + BlobKeys.shown(location) + " has " + size
                    + " bytes, over the limit of " + settings.maxInputsBytes() + " bytes; not read", null);
        }
    }

    /** {@code event} when it conforms to its schema; a {@code event_invalid} failure naming the violations otherwise. */
    private static ReadinessEvent checked(final ReadinessEvent event) throws BatchFailure {
        final var schema = Topics.READINESS.valueSerde().schema();
        final List<String> violations = schema.violations(RecordJson.readTree(Topics.READINESS.valueSerde().encode(event)));
        if (!violations.isEmpty()) {
            throw new BatchFailure(FailureReason.EVENT_INVALID, "the readiness event would violate " + schema.path() + " ("
                    + String.join("; ", violations) + "); not published. Public URL: "
                    + BlobKeys.shown(event.proofGenDataBlobUrl()), null);
        }
        return event;
    }

    private void recordFailure(final DueBatch batch, final BatchFailure failure) {
        final int attempts = batch.attempts() + 1;
        final Instant nextAttemptAt = clock.instant().plus(settings.retryBackoff(attempts));
        final String error = failure.reason().tag() + ": " + failure.getMessage();
        failures.get(failure.reason()).increment();
        LOG.error("batch {}:{} not published ({}), attempt {}, next attempt at {}: {}",
                settings.chainId(), batch.batchNumber(), failure.reason().tag(), attempts, nextAttemptAt, failure.getMessage());
        table.recordFailure(batch.batchNumber(), nextAttemptAt, error);
    }

    private void scheduledRound() {
        if (closed.get()) {
            return;
        }
        try {
            pollOnce();
        } catch (final RuntimeException e) {
            roundFailures.increment();
            LOG.warn("readiness round for chain {} failed, next round in {}: {}", settings.chainId(), settings.pollInterval(), e.toString());
        }
    }

    private void awaitRoundEnd() {
        final Duration wait = deliveryTimeout().plus(ROUND_GRACE);
        try {
            if (!scheduler.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("readiness round still running after waiting {} for it to end; interrupting it", wait);
                scheduler.shutdownNow();
            }
        } catch (final InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Duration deliveryTimeout() {
        final String configured = settings.producerOverrides().get("delivery.timeout.ms");
        return Duration.ofMillis(configured == null ? 120_000 : Long.parseLong(configured.trim()));
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("readiness checker for chain " + settings.chainId() + " is closed");
        }
    }
}
