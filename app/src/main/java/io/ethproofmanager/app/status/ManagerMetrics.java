package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production manager's gauges ({@code server_eth_proof_manager_*}), read from the database by the thread
 * {@value #THREAD_NAME} every refresh period; aliases of the sender's balance and the ingester's lag read their meters.
 */
public final class ManagerMetrics implements AutoCloseable {

    /** The refreshing thread's name. */
    public static final String THREAD_NAME = "epm-metrics-refresh";

    private static final Logger LOG = LoggerFactory.getLogger(ManagerMetrics.class);
    private static final String PREFIX = "server_eth_proof_manager_";
    private static final String SENDER_BALANCE = "epm_l1_sender_submitter_balance";
    private static final String INGESTER_LAG = "epm_l1_ingester_lag_blocks";

    private final BatchStatusQueries queries;
    private final MeterRegistry meters;
    private final Map<BatchStatus, AtomicLong> byStatus = new EnumMap<>(BatchStatus.class);
    private final AtomicLong transactionAttempts = new AtomicLong();
    private final List<Meter> registered = new ArrayList<>();
    private final ScheduledExecutorService scheduler;

    private ManagerMetrics(final BatchStatusQueries queries, final MeterRegistry meters) {
        this.queries = queries;
        this.meters = meters;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        for (final BatchStatus status : BatchStatus.values()) {
            byStatus.put(status, new AtomicLong());
        }
    }

    /** Registers the gauges on {@code meters} and refreshes them from the database now and every {@code refreshEvery}. */
    public static ManagerMetrics start(final BatchStatusQueries queries, final MeterRegistry meters, final Duration refreshEvery) {
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(meters, "meters");
        if (refreshEvery.isNegative() || refreshEvery.isZero()) {
            throw new IllegalArgumentException("refresh period must be positive, was " + refreshEvery);
        }
        final ManagerMetrics metrics = new ManagerMetrics(queries, meters);
        metrics.register();
        metrics.scheduler.scheduleWithFixedDelay(metrics::refreshQuietly, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
        return metrics;
    }

    private void register() {
        gauge("acknowledged_batches", "batches acknowledged by their proving network, awaiting a proof",
                () -> count(BatchStatus.ACKNOWLEDGED));
        gauge("proven_batches", "batches whose proof was received (validated or not yet)",
                () -> count(BatchStatus.RECEIVED_PROOF) + count(BatchStatus.VALIDATION_RESULT_SENT_TO_L1));
        gauge("validated_batches", "batches whose validation result was sent to L1",
                () -> count(BatchStatus.VALIDATION_RESULT_SENT_TO_L1));
        gauge("fallen_back_batches", "batches handed to the rollup's own provers", () -> count(BatchStatus.FALLEN_BACK));
        gauge("tx_attempts", "L1 transaction attempts recorded by the sender", transactionAttempts::get);
        byStatus.forEach((status, value) -> registered.add(Gauge.builder(PREFIX + "batches", value, AtomicLong::get)
                .description("batches in each status now")
                .tag("status", status.wireName())
                .register(meters)));
        alias("submitter_balance", "wei", SENDER_BALANCE, "the submitter's balance on L1 (alias of epm_l1_sender_submitter_balance_wei)");
        alias("ingester_lag", "blocks", INGESTER_LAG, "blocks the L1 ingester is behind the head (alias of epm_l1_ingester_lag_blocks)");
    }

    private void gauge(final String name, final String description, final LongSupplier value) {
        registered.add(Gauge.builder(PREFIX + name, value, supplier -> (double) supplier.getAsLong())
                .description(description)
                .strongReference(true)
                .register(meters));
    }

    /** A gauge reading another meter of the registry at each scrape; NaN while that meter is not registered. */
    private void alias(final String name, final String unit, final String source, final String description) {
        registered.add(Gauge.builder(PREFIX + name, meters, registry -> Optional.ofNullable(registry.find(source).gauge())
                        .map(Gauge::value)
                        .orElse(Double.NaN))
                .description(description)
                .baseUnit(unit)
                .register(meters));
    }

    private long count(final BatchStatus status) {
        return byStatus.get(status).get();
    }

    /** Reads the counts from the database now; a failure leaves the previous values and is thrown. */
    public void refresh() {
        final Map<BatchStatus, Long> counts = queries.countsByStatus();
        final long attempts = queries.transactionAttempts();
        counts.forEach((status, count) -> byStatus.get(status).set(count));
        transactionAttempts.set(attempts);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (final RuntimeException e) {
            LOG.warn("manager metrics not refreshed (previous values kept): {}", e.getMessage());
        }
    }

    /** Stops refreshing and removes the gauges from the registry. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        registered.forEach(meters::remove);
    }
}
