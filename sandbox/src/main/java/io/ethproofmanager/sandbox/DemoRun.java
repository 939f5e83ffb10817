package io.ethproofmanager.sandbox;

import io.ethproofmanager.app.ManagerSettings;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;

import io.ethproofmanager.sandbox.network.SimulatedNetworks;
import io.ethproofmanager.sandbox.network.SimulatedProvingNetwork;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: seeds ready batches into the rollup's table, tails the status topic, and reports how the batches move
 * (in PostgreSQL and on the topic) until stopped. Acknowledge a request with the {@code network} command. Used by the
 * manager's {@code --demo-batches} and by {@code bench}; {@link #summary()} is what the run came to.
 */
public final class DemoRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);

    private final ProofManagerService service;
    private final List<BatchId> batches;
    private final Instant seedingStartedAt;
    private final Map<BatchId, Seen> onTopic = new ConcurrentHashMap<>();
    private final Thread tail;
    private final Optional<SimulatedNetworks> networks;
    private final Optional<ScheduledExecutorService> chainTicker;
    private volatile boolean closed;

    /** A batch's latest record on the status topic, and when this run first saw it final (null: not yet). */
    private record Seen(BatchStatusRecord record, Instant finalSeenAt) {

        Seen then(final Seen later) {
            if (later.record.version() < record.version()) {
                return this;
            }
            return new Seen(later.record, finalSeenAt != null ? finalSeenAt : later.finalSeenAt);
        }
    }

    private final Set<BatchId> demoBatches;

    private DemoRun(final ProofManagerService service, final Instant seedingStartedAt, final List<BatchId> batches,
            final Optional<SimulatedNetworks> networks, final Optional<ScheduledExecutorService> chainTicker) {
        this.service = service;
        this.seedingStartedAt = seedingStartedAt;
        this.batches = batches;
        this.demoBatches = Set.copyOf(batches);
        this.networks = networks;
        this.chainTicker = chainTicker;
        this.tail = new Thread(this::tailStatusTopic, "epm-demo-status-tail");
        this.tail.setDaemon(true);
    }

    /**
     * Starts the demo: on a local chain (the embedded one or an anvil development node), the simulated networks with
     * {@code networkMix} (empty: none, and no fast clock) and a block every second that moves chain time
     * {@code chainSpeed} seconds, so that deadlines pass in demo time; then seeds {@code count} ready batches into each
     * configured rollup chain's {@code proof_generation_details} (with their blobs in the chain's rollup store).
     */
    public static DemoRun start(final ProofManagerService service, final Optional<LocalChain> chain, final int count,
            final long seed, final Optional<String> networkMix, final int chainSpeed) {
        final Optional<SimulatedNetworks> networks = chain.flatMap(c -> networkMix.map(mix -> {
            LOG.info("demo: simulated proving networks Fermah and Lagrange with behaviour '{}'", mix);
            return SimulatedProvingNetwork.startBoth(c, mix, seed);
        }));
        // the chain clock runs fast only beside the simulated networks: answering by hand needs real time
        final Optional<ScheduledExecutorService> ticker = chain.filter(c -> count > 0 && networkMix.isPresent())
                .map(c -> tickChain(c, chainSpeed));
        final Instant seedingStartedAt = Instant.now();
        final List<BatchId> batches = new ArrayList<>();
        final Random random = new Random(seed);
        for (final ManagerSettings.RollupChain rollup : count == 0 ? List.<ManagerSettings.RollupChain>of() : service.settings().chains()) {
            final ProofGenerationDetails details = service.proofGenerationDetails(rollup.id());
            final List<Long> seeded = ReadyBatchSeeder.seed(details.dataSource(), details.table(),
                    service.rollupBlobs(rollup.id())::write, count, random);
            seeded.forEach(number -> batches.add(new BatchId(rollup.id(), number)));
            LOG.info("demo: inserted {} ready batches of chain {} into {}: {}..{}", seeded.size(), rollup.id(), details.table(),
                    seeded.getFirst(), seeded.getLast());
        }
        final DemoRun demo = new DemoRun(service, seedingStartedAt, batches, networks, ticker);
        demo.tail.start();
        return demo;
    }

    private static ScheduledExecutorService tickChain(final LocalChain chain, final int chainSpeed) {
        final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "epm-demo-chain-ticker");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                if (chainSpeed > 1) {
                    chain.increaseTime(chainSpeed - 1);
                }
                chain.mine();
            } catch (final RuntimeException e) {
                LOG.debug("demo: chain tick failed: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
        return ticker;
    }

    /** Waits until every demo batch reached a final status (validated or fallen back) in PostgreSQL and on the topic. */
    public boolean awaitAllFinal() throws InterruptedException {
        final long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        Map<String, Integer> last = Map.of();
        while (System.nanoTime() < deadline) {
            final Map<String, Integer> counts = countsByStatus();
            if (!counts.equals(last)) {
                LOG.info("demo: PostgreSQL eth_proof_manager by status {}", counts);
                last = counts;
            }
            final int finals = counts.getOrDefault(BatchStatus.VALIDATION_RESULT_SENT_TO_L1.wireName(), 0)
                    + counts.getOrDefault(BatchStatus.FALLEN_BACK.wireName(), 0);
            if (finals >= batches.size() && batches.stream().allMatch(b -> finalSeenAt(b).isPresent())) {
                return true;
            }
            Thread.sleep(REPORT_EVERY.toMillis() / 4);
        }
        LOG.error("demo: not every batch reached a final status after {} s", GIVE_UP_AFTER.toSeconds());
        return false;
    }

    private static boolean isFinal(final BatchStatus status) {
        return status == BatchStatus.VALIDATION_RESULT_SENT_TO_L1 || status == BatchStatus.FALLEN_BACK;
    }

    private Optional<Instant> finalSeenAt(final BatchId batch) {
        return Optional.ofNullable(onTopic.get(batch)).map(Seen::finalSeenAt);
    }

    /**
     * Waits until every demo batch has gone past ready_to_be_proven (its proof request is on L1) in PostgreSQL and on the
     * status topic, reporting progress.
     */
    public boolean awaitAllRequested() throws InterruptedException {
        final long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        Map<String, Integer> last = Map.of();
        while (System.nanoTime() < deadline) {
            final Map<String, Integer> counts = countsByStatus();
            if (!counts.equals(last)) {
                LOG.info("demo: PostgreSQL eth_proof_manager by status {}; status topic has {} of {} demo batches",
                        counts, onTopic.size(), batches.size());
                last = counts;
            }
            if (allRequested()) {
                return true;
            }
            Thread.sleep(REPORT_EVERY.toMillis() / 4);
        }
        LOG.error("demo: not every batch had its proof request on L1 after {} s", GIVE_UP_AFTER.toSeconds());
        return false;
    }

    /** What the run came to so far: counts from PostgreSQL and the status topic, and the final batches' latencies. */
    public DemoSummary summary() {
        final Map<String, Integer> topicCounts = new TreeMap<>();
        onTopic.values().forEach(seen -> topicCounts.merge(seen.record().status().wireName(), 1, Integer::sum));
        final List<DemoSummary.FinalBatch> finals = new ArrayList<>();
        Optional<Instant> lastFinal = Optional.empty();
        for (final BatchId batch : batches) {
            final Seen seen = onTopic.get(batch);
            if (seen == null || seen.finalSeenAt() == null) {
                continue;
            }
            final BatchStatusRecord record = seen.record();
            // a deadline fallback is stamped in chain time, which runs ahead of the wall clock in the demo
            final Instant finalAt = record.updatedAt().isBefore(seen.finalSeenAt()) ? record.updatedAt() : seen.finalSeenAt();
            finals.add(new DemoSummary.FinalBatch(batch.batchNumber(), record.status().wireName(),
                    record.fallbackReason() == null ? "-" : record.fallbackReason().split(":", 2)[0],
                    record.assignedNetwork().map(ProvingNetwork::wireName).orElse("-"), Duration.between(record.createdAt(), finalAt)));
            lastFinal = lastFinal.filter(last -> last.isAfter(seen.finalSeenAt())).or(() -> Optional.of(seen.finalSeenAt()));
        }
        final Optional<Duration> wall = finals.size() == batches.size() && !batches.isEmpty()
                ? lastFinal.map(last -> Duration.between(seedingStartedAt, last))
                : Optional.empty();
        return new DemoSummary(batches.size(), countsByStatus(), topicCounts, outcomes(), finals, wall);
    }

    void printSummary(final PrintStream out) {
        print(summary(), out);
    }

    /** Prints {@code summary}: statuses in PostgreSQL and on the topic, final outcomes, ready -> validation result on L1. */
    static void print(final DemoSummary summary, final PrintStream out) {
        out.println();
        out.println("Demo summary: " + summary.batches() + " batches");
        out.printf("  %-32s %10s %12s%n", "status", "postgres", "status topic");
        final Set<String> statuses = new java.util.TreeSet<>(summary.inPostgres().keySet());
        statuses.addAll(summary.onTopic().keySet());
        for (final String status : statuses) {
            out.printf("  %-32s %10d %12d%n", status, summary.inPostgres().getOrDefault(status, 0), summary.onTopic().getOrDefault(status, 0));
        }
        out.println();
        out.println("  by final outcome (PostgreSQL):");
        out.printf("  %-30s %-11s %-24s %-9s %6s%n", "status", "validation", "fallback reason", "network", "count");
        for (final DemoSummary.Outcome o : summary.outcomes()) {
            out.printf("  %-30s %-11s %-24s %-9s %6d%n", o.status(), o.validation(), o.fallbackReason(), o.network(), o.count());
        }
        final DemoSummary.Latency validated = summary.readyToValidated();
        if (validated.count() > 0) {
            out.printf("%n  ready -> validation result on L1 (record time): p50 %.1f s, p99 %.1f s over %d batches%n",
                    seconds(validated.p50()), seconds(validated.p99()), validated.count());
        }
        out.flush();
    }

    static double seconds(final Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private List<DemoSummary.Outcome> outcomes() {
        final List<DemoSummary.Outcome> outcomes = new ArrayList<>();
        try (Connection c = service.database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("""
                        SELECT status, coalesce(validation_status, '-'), coalesce(split_part(fallback_reason, ':', 1), '-'),
                               coalesce(assigned_to, '-'), count(*)
                        FROM eth_proof_manager GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                outcomes.add(new DemoSummary.Outcome(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
            }
        } catch (final SQLException e) {
            LOG.warn("demo: cannot read the outcomes from PostgreSQL: {}", e.getMessage());
        }
        return outcomes;
    }

    private boolean allRequested() {
        return batches.stream().allMatch(batch -> onTopic.containsKey(batch)
                        && onTopic.get(batch).record().status() != BatchStatus.READY_TO_BE_PROVEN)
                && pastReadyInPostgres() >= batches.size();
    }

    private int pastReadyInPostgres() {
        return countsByStatus().entrySet().stream()
                .filter(entry -> !entry.getKey().equals(BatchStatus.READY_TO_BE_PROVEN.wireName()))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    private Map<String, Integer> countsByStatus() {
        final Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = service.database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT status, count(*) FROM eth_proof_manager GROUP BY status");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        } catch (final SQLException e) {
            LOG.warn("demo: cannot count batches in PostgreSQL: {}", e.getMessage());
        }
        return counts;
    }

    private void tailStatusTopic() {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, service.endpoints().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "epm-demo-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<?, BatchStatusRecord> consumer = new KafkaConsumer<>(config,
                Topics.BATCH_STATUS.keySerde().deserializer(), Topics.BATCH_STATUS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(service.topics().of(Topics.BATCH_STATUS).name()));
            while (!closed) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    final BatchStatusRecord status = record.value();
                    if (!demoBatches.contains(status.batchId())) {
                        return; // the topic's other batches (earlier runs on the same data) are not the demo's
                    }
                    LOG.info("status topic: batch {} is {} (version {})", status.batchId(), status.status().wireName(), status.version());
                    onTopic.merge(status.batchId(), new Seen(status, isFinal(status.status()) ? Instant.now() : null), Seen::then);
                });
            }
        } catch (final RuntimeException e) {
            if (!closed) {
                LOG.warn("demo: status topic tail stopped: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        chainTicker.ifPresent(ScheduledExecutorService::shutdownNow);
        networks.ifPresent(SimulatedNetworks::close);
        try {
            tail.join(Duration.ofSeconds(5));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
