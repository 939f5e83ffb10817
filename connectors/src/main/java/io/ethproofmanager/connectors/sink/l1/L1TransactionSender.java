package io.ethproofmanager.connectors.sink.l1;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The crash-safe L1 sender: one {@link LaneWorker} per configured lane (submitter account), each a member of the sender's
 * consumer group with a thread of its own. Kafka assigns each lane (its partitions of the commands topic) to one member
 * across every instance ({@link LaneAssignor}); the member takes the lane in PostgreSQL before it sends on it, which fences
 * the lane's previous holder. Each command's transaction is made at most once (see {@link CommandProcessor}), its result
 * published, and only then its offset committed.
 */
public final class L1TransactionSender implements AutoCloseable {

    static final String THREAD_NAME = "epm-l1-sender";

    private final Web3j web3j;
    private final L1SenderSettings settings;
    private final LaneStatuses statuses;
    private final SenderMetrics metrics;
    private final List<LaneWorker> workers;
    private final AtomicReference<Optional<CrashPoint>> crashPoint = new AtomicReference<>(Optional.empty());

    public L1TransactionSender(final L1SenderSettings settings, final DataSource dataSource, final MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.statuses = new LaneStatuses(dataSource, settings.maxFeePerGasCap());
        final Attempts attempts = new Attempts(dataSource);
        final LaneLeases leases = new LaneLeases(dataSource);
        this.metrics = new SenderMetrics(meters, settings.maxFeePerGasCap());
        this.web3j = Web3j.build(new HttpService(settings.rpcUrl()));
        final String instance = settings.groupInstanceId().orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
        this.workers = IntStream.range(0, settings.lanes())
                .mapToObj(index -> new LaneWorker(settings, attempts, leases, metrics, web3j, index, instance, crashPoint))
                .toList();
    }

    /** Starts the lane workers' loops, each on its own thread; a sender starts once. */
    public void start() {
        workers.forEach(LaneWorker::start);
    }

    /** True while every worker's loop runs; false before start, after close and after one died. */
    public boolean isHealthy() {
        return workers.stream().allMatch(LaneWorker::isRunning);
    }

    /** Every configured lane: its holder across the instances, this instance's part, its transactions pending. */
    public List<LaneStatus> lanes() {
        return IntStream.range(0, settings.lanes()).mapToObj(index -> statuses.of(new Lane(index, settings.submitters().get(index)),
                workers.stream().map(worker -> worker.nextNonce(index)).flatMap(Optional::stream).findFirst())).toList();
    }

    /**
     * What {@code /ready} says of the sender beside UP: each lane held here whose lowest command is held by the fee cap
     * (the sender is still working: only that lane's later commands wait); empty when none is.
     */
    public Optional<String> readinessDetail() {
        final java.time.Instant now = java.time.Instant.now();
        final List<String> held = metrics.holds().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(lane -> new Lane(lane.getKey(), settings.submitters().get(lane.getKey())) + " "
                        + lane.getValue().describe(now)).toList();
        return held.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", held));
    }

    /** Test hook: the sender dies, as if killed, when it next reaches {@code point}. */
    void crashAt(final CrashPoint point) {
        crashPoint.set(Optional.of(point));
    }

    /** Stops after the commands in hand (a receipt still awaited is left to the next start's reconciliation). */
    @Override
    public void close() {
        workers.forEach(LaneWorker::close);
        web3j.shutdown();
    }
}
