package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.connectors.source.l1.L1Checkpoint.ProcessedBlock;
import io.ethproofmanager.connectors.source.l1.TransactionalPublisher.Outgoing;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The L1 log ingester: reads the proof manager's logs once they have enough confirmations, publishes them as typed events
 * with their checkpoint and, after them on every partition of the events topic, the chain's clock ({@link ChainTime} of
 * the last processed block) in one Kafka transaction per step, and retracts the events of blocks a reorg abandoned.
 */
public final class L1LogIngester implements AutoCloseable {

    /** Steps in a row that find the chain moved the same way before the ingester reports itself stuck. */
    static final int STUCK_AFTER = 20;
    private static final int STUCK_ERROR_EVERY = 200;
    private static final Logger LOG = LoggerFactory.getLogger(L1LogIngester.class);
    private static final String THREAD_NAME = "epm-l1-ingester";
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;
    /** Block ranges read into one step (one Kafka transaction) at most. */
    static final int RANGES_PER_STEP = 10;
    /** Records after which a step stops adding ranges. */
    static final int RECORDS_PER_STEP = 10_000;

    private final L1IngesterSettings settings;
    private final ContractLogDecoder decoder;
    private final MeterRegistry meters;
    private final Metrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ChainReader chain;
    private final NewHeads newHeads;
    private final TransactionalPublisher publisher;
    private final AtomicLong lagBlocks = new AtomicLong();
    private final Gauge lagGauge;
    private Optional<Thread> loop = Optional.empty();
    private volatile Thread running;
    private L1Checkpoint checkpoint;
    private int blockRange;
    private boolean caughtUp;
    private boolean publisherFailed;
    /** The last "chain moved" the reads met, and how many steps in a row met it the same way. */
    private String lastChainMoved = "";
    private int sameChainMoved;

    /** Connects to Kafka, fences older instances with the same transactional id and loads the last committed checkpoint. */
    public L1LogIngester(final L1IngesterSettings settings, final MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.decoder = new ContractLogDecoder(settings.contractAddress(), settings.chainIds(), settings.maxProofBytes());
        this.metrics = new Metrics(meters);
        this.publisher = new TransactionalPublisher(settings);
        try {
            this.checkpoint = committedCheckpoint();
        } catch (final RuntimeException e) {
            publisher.close();
            throw e;
        }
        this.chain = new ChainReader(settings, metrics.rpcFailures, closing::get);
        this.newHeads = NewHeads.of(settings.rpcUrl());
        this.blockRange = settings.maxBlockRange();
        this.lagGauge = Gauge.builder("epm_l1_ingester_lag_blocks", lagBlocks, AtomicLong::get)
                .description("blocks between the L1 head and the next block to read").register(meters);
        LOG.info("L1 ingester for {} (chains {}) resumes at block {} with {} blocks in its reorg window", settings.contractAddress(),
                settings.chainIds(), checkpoint.nextBlock(), checkpoint.window().size());
    }

    /** Starts the polling thread {@value #THREAD_NAME}. */
    public synchronized void start() {
        if (loop.isPresent() || closing.get()) {
            throw new IllegalStateException("L1 ingester already started or closed");
        }
        final Thread thread = new Thread(this::run, THREAD_NAME);
        loop = Optional.of(thread);
        running = thread;
        thread.start();
    }

    /**
     * True while the polling thread runs: false before {@link #start()}, after {@link #close()}, and once the thread stopped
     * on its own (fenced by a newer producer with its transactional id).
     */
    public boolean isRunning() {
        final Thread thread = running;
        return thread != null && thread.isAlive() && !closing.get();
    }

    /** The first block not read yet (the committed checkpoint's). */
    public synchronized long nextBlock() {
        return checkpoint.nextBlock();
    }

    /**
     * One step: undo a reorg if the last processed block left the chain, else read the next range of confirmed blocks and
     * publish its events with the new checkpoint and the chain-time ticks. Returns the number of event records published
     * (retractions included, the ticks not).
     */
    public synchronized long pollOnce() {
        if (publisherFailed) {
            recoverPublisher();
        }
        final long head = chain.head();
        updateLag(head);
        final Optional<Long> ancestor = reorgAncestor();
        if (ancestor.isPresent()) {
            return rewind(ancestor.get());
        }
        final long safe = head - settings.confirmations();
        if (safe < checkpoint.nextBlock()) {
            caughtUp = true;
            return 0;
        }
        try {
            final long published = readAndPublish(safe, head);
            sameChainMoved = 0;
            return published;
        } catch (final ChainMovedException e) {
            chainMovedAgain(e.getMessage(), head);
            return 0;
        }
    }

    @Override
    public void close() {
        closing.set(true);
        closed.countDown();
        newHeads.close();
        final Optional<Thread> thread;
        synchronized (this) {
            thread = loop;
        }
        thread.ifPresent(this::awaitLoopEnd);
        synchronized (this) {
            chain.close();
            publisher.close();
            meters.remove(lagGauge);
        }
    }

    private void run() {
        while (!closing.get()) {
            try {
                pollOnce();
                if (caughtUp) {
                    awaitNewHead();
                }
            } catch (final ProducerFencedException | InvalidProducerEpochException e) {
                LOG.error("L1 ingester fenced by a newer instance with transactional id {}; stopping", settings.transactionalId(), e);
                return;
            } catch (final RuntimeException e) {
                if (closing.get()) {
                    return;
                }
                LOG.warn("L1 ingester step from block {} failed; retrying in {}: {}", nextBlock(), settings.retryBackoffMin(), e.toString());
                pause(settings.retryBackoffMin().toMillis());
            }
        }
    }

    /**
     * Waits for the poll interval, or less: until the node announces a new block where it offers a subscription
     * ({@link NewHeads}), so that an event is read as soon as its block is there instead of up to an interval later.
     */
    private void awaitNewHead() {
        try {
            newHeads.await(settings.pollInterval());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause(final long millis) {
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitLoopEnd(final Thread thread) {
        try {
            thread.join(CLOSE_TIMEOUT_MILLIS);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(CLOSE_TIMEOUT_MILLIS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("L1 ingester thread {} still running {} ms after close was asked", THREAD_NAME, 2 * CLOSE_TIMEOUT_MILLIS);
        }
    }

    private L1Checkpoint committedCheckpoint() {
        return publisher.lastCommittedCheckpoint().orElseGet(() -> L1Checkpoint.initial(settings));
    }

    /** Commits one step; after a failure the outcome is unknown, so the next step first re-reads what was committed. */
    private void commit(final List<Outgoing> records, final L1Checkpoint next) {
        try {
            publisher.commit(records, next);
        } catch (final ProducerFencedException | InvalidProducerEpochException e) {
            throw e;
        } catch (final RuntimeException e) {
            publisherFailed = true;
            throw e;
        }
    }

    /** Replaces the producer (which completes or aborts the open transaction) and resumes from the committed checkpoint. */
    private void recoverPublisher() {
        publisher.restart();
        checkpoint = committedCheckpoint();
        publisherFailed = false;
        LOG.info("L1 ingester publisher restarted after a failed commit; resuming at block {}", checkpoint.nextBlock());
    }

    private void updateLag(final long head) {
        lagBlocks.set(Math.max(0, head - checkpoint.nextBlock() + 1));
    }

    /** The common ancestor when the last processed block is no longer on the chain; empty when it still is. */
    private Optional<Long> reorgAncestor() {
        final Optional<ProcessedBlock> last = checkpoint.lastProcessed();
        if (last.isEmpty() || isCanonical(last.get())) {
            return Optional.empty();
        }
        final List<ProcessedBlock> older = checkpoint.window().reversed();
        for (final ProcessedBlock block : older.subList(1, older.size())) {
            if (isCanonical(block)) {
                return Optional.of(block.number());
            }
        }
        final long oldest = checkpoint.window().getFirst().number() - 1;
        LOG.error("L1 reorg deeper than the window of {} blocks: no processed block from {} to {} is still on the chain; rewinding to {}",
                settings.reorgWindow(), checkpoint.window().getFirst().number(), last.get().number(), oldest);
        return Optional.of(Math.max(oldest, settings.startBlock() - 1));
    }

    /**
     * A read found the chain moved under it: normal once in a while (a new block, a reorg, which the next step checks
     * for). The same finding step after step, with no reorg found in between, is not: the node does not serve a
     * consistent chain (a block it says it has, missing or answered as another), and the ingester cannot go on until it
     * does. That is an ERROR, repeated every {@value #STUCK_ERROR_EVERY} steps, naming the block and the node's head.
     */
    private void chainMovedAgain(final String what, final long head) {
        sameChainMoved = what.equals(lastChainMoved) ? sameChainMoved + 1 : 1;
        lastChainMoved = what;
        if (sameChainMoved == STUCK_AFTER || sameChainMoved % STUCK_ERROR_EVERY == 0) {
            LOG.error("L1 ingester stuck: {} steps in a row found the chain moved the same way ({}) with no reorg in between,"
                    + " while the node's head is {} and the ingester reads from block {}: the node does not serve a consistent"
                    + " chain; retrying every step", sameChainMoved, what, head, checkpoint.nextBlock());
        } else if (sameChainMoved < STUCK_AFTER) {
            LOG.info("L1 chain moved while reading: {}; the next step checks for a reorg", what);
        }
    }

    private boolean isCanonical(final ProcessedBlock block) {
        return chain.block(block.number()).map(header -> header.hash().equals(block.hash())).orElse(false);
    }

    /** Publishes the retraction of every event above {@code ancestor}, newest first, and continues from {@code ancestor + 1}. */
    private long rewind(final long ancestor) {
        final List<ProcessedBlock> abandoned = checkpoint.abandonedAbove(ancestor);
        final List<Outgoing> retractions = new ArrayList<>();
        for (final ProcessedBlock block : abandoned) {
            for (final Object event : block.eventsNewestFirst()) {
                retractions.add(switch (event) {
                    case L1Event e -> Outgoing.of(Retractions.of(e), settings.topics());
                    case NetworkEvent e -> Outgoing.of(Retractions.of(e), settings.topics());
                    default -> throw new IllegalStateException("not an event: " + event);
                });
            }
        }
        final L1Checkpoint rewound = checkpoint.rewoundTo(ancestor);
        commit(retractions, rewound);
        LOG.warn("L1 reorg: blocks {} to {} left the chain, common ancestor {}; retracted {} events", abandoned.getLast().number(),
                abandoned.getFirst().number(), ancestor, retractions.size());
        checkpoint = rewound;
        caughtUp = false;
        metrics.reorgs.increment();
        metrics.retractions.increment(retractions.size());
        return retractions.size();
    }

    /**
     * Reads ranges of confirmed blocks from the checkpoint on, each range's events followed by its chain-time ticks, and
     * publishes them with the new checkpoint in one transaction: up to {@value #RANGES_PER_STEP} ranges or about
     * {@value #RECORDS_PER_STEP} records a step, so that a back-fill does not pay a transaction per range. A step publishes
     * exactly what one step per range would have, in the same order.
     */
    private long readAndPublish(final long safe, final long head) {
        L1Checkpoint advanced = checkpoint;
        final List<Outgoing> records = new ArrayList<>();
        final List<DecodedLog> decoded = new ArrayList<>();
        int published = 0;
        int ranges = 0;
        do {
            final long from = advanced.nextBlock();
            final Range range = readLogs(from, safe);
            final Map<Long, BlockHeader> headers = headers(from, range, advanced);
            final TreeMap<Long, List<Object>> eventsByBlock = new TreeMap<>();
            for (final BlockLog read : range.logs()) {
                final Log log = read.log();
                final BlockHeader header = headers.get(read.block());
                final DecodedLog result = decoder.decode(log, header.timestamp());
                decoded.add(result);
                switch (result) {
                    case DecodedLog.Batch batch -> {
                        records.add(Outgoing.of(batch.event(), settings.topics()));
                        published++;
                        // the reorg window keeps what a retraction needs: the event without proof bytes
                        eventsByBlock.computeIfAbsent(header.number(), n -> new ArrayList<>()).add(withoutProof(batch.event()));
                    }
                    case DecodedLog.Network network -> {
                        records.add(Outgoing.of(network.event(), settings.topics()));
                        published++;
                        eventsByBlock.computeIfAbsent(header.number(), n -> new ArrayList<>()).add(network.event());
                    }
                    case DecodedLog.Skipped skipped -> LOG.warn("L1 log skipped ({}): {}", skipped.reason().tag(), skipped.detail());
                }
            }
            advanced = advanced.advancedTo(range.to(), processedBlocks(range.to(), headers, eventsByBlock), settings.reorgWindow());
            records.addAll(Outgoing.ticks(chainTime(headers.get(range.to())), publisher.eventPartitions(), settings.topics()));
            ranges++;
        } while (advanced.nextBlock() <= safe && ranges < RANGES_PER_STEP && records.size() < RECORDS_PER_STEP);
        commit(records, advanced);
        checkpoint = advanced;
        decoded.forEach(metrics::count);
        caughtUp = advanced.nextBlock() > safe;
        updateLag(head);
        return published;
    }

    private static L1Event withoutProof(final L1Event event) {
        return event instanceof L1Event.ProofRequestProven proven ? proven.withoutProof() : event;
    }

    /** The chain's clock after a step: its last processed block and that block's timestamp, keyed by the contract. */
    private ChainTime chainTime(final BlockHeader lastProcessed) {
        return new ChainTime(settings.contractAddress(), lastProcessed.number(), lastProcessed.timestamp());
    }

    /**
     * Reads the logs from {@code from}, halving the range while the node refuses it and doubling it back after a success;
     * the headers of the range's first and last block are read (in one batched request) just before the logs.
     */
    private Range readLogs(final long from, final long safe) {
        while (true) {
            final long to = Math.min(safe, from + blockRange - 1);
            final Map<Long, BlockHeader> ends = chain.blocks(new TreeSet<>(List.of(from, to)));
            try {
                // block number and index parsed once per log (each getter parses the hex again)
                final List<BlockLog> logs = chain.logs(from, to, decoder.eventSignatures()).stream()
                        .map(log -> new BlockLog(log, log.getBlockNumber().longValueExact(), log.getLogIndex().longValueExact()))
                        .sorted(Comparator.comparingLong(BlockLog::block).thenComparingLong(BlockLog::index)).toList();
                blockRange = (int) Math.min(settings.maxBlockRange(), 2L * blockRange);
                return new Range(to, logs, ends);
            } catch (final ChainReader.RangeRefusedException e) {
                if (blockRange == 1) {
                    throw new ChainReader.RpcCallException("node refuses even a one-block eth_getLogs at " + from + ": " + e.getMessage(), e);
                }
                blockRange = Math.max(1, blockRange / 2);
                LOG.info("{}; narrowing the range to {} blocks", e.getMessage(), blockRange);
            }
        }
    }

    /**
     * The headers of the blocks that matter, checked against each other; a mismatch means the chain moved under the read
     * and nothing of the step is published.
     *
     * <ul>
     * <li>the range's first and last block, read just before the logs; the last is read again after them and must not
     * have changed, so the logs come from the chain that ends in it (a block's hash fixes all its ancestors);
     * <li>the first block's parent must be the last block {@code before} processed;
     * <li>every block with logs: its hash and timestamp come with its logs ({@code blockHash}, and {@code blockTimestamp}
     * where the node gives it, as anvil, geth and reth do); its header is read, in batched requests, only when a log
     * lacks the timestamp; a log's block hash must be its block's (and the range ends' as read).
     * </ul>
     */
    private Map<Long, BlockHeader> headers(final long from, final Range range, final L1Checkpoint before) {
        final Map<Long, BlockHeader> headers = new HashMap<>(range.ends());
        for (final long end : List.of(from, range.to())) {
            if (!headers.containsKey(end)) {
                throw new ChainMovedException("block " + end + " is gone (asked alone, the node answers "
                        + chain.block(end).map(header -> "block " + header.number() + " " + header.hash()).orElse("none") + ")");
            }
        }
        final BlockHeader last = headers.get(range.to());
        final BlockHeader lastAgain = chain.block(range.to()).orElseThrow(() -> new ChainMovedException("block " + range.to() + " is gone"));
        if (!lastAgain.hash().equals(last.hash())) {
            throw new ChainMovedException("block " + range.to() + " was " + last.hash() + " before its logs were read, " + lastAgain.hash() + " after");
        }
        before.lastProcessed().filter(processed -> processed.number() == from - 1)
                .filter(processed -> !processed.hash().equals(headers.get(from).parentHash()))
                .ifPresent(processed -> {
                    throw new ChainMovedException("parent of block " + from + " is " + headers.get(from).parentHash() + ", not " + processed.hash());
                });
        final TreeSet<Long> untimed = new TreeSet<>();
        for (final BlockLog read : range.logs()) {
            final Log log = read.log();
            final long number = read.block();
            if (log.getBlockHash() == null) {
                throw new ChainMovedException("log of block " + number + " has no block hash");
            }
            if (!headers.containsKey(number) && ChainReader.blockTimestamp(log).isEmpty()) {
                untimed.add(number);
            }
        }
        if (!untimed.isEmpty()) {
            final Map<Long, BlockHeader> read = chain.blocks(untimed);
            untimed.stream().filter(number -> !read.containsKey(number)).findFirst().ifPresent(number -> {
                throw new ChainMovedException("block " + number + " is gone");
            });
            headers.putAll(read);
        }
        for (final BlockLog read : range.logs()) {
            final Log log = read.log();
            final long number = read.block();
            final String hash = log.getBlockHash().toLowerCase(java.util.Locale.ROOT);
            final BlockHeader header = headers.computeIfAbsent(number,
                    n -> new BlockHeader(n, hash, BlockHeader.UNKNOWN_PARENT, ChainReader.blockTimestamp(log).orElseThrow()));
            if (!header.hash().equals(hash)) {
                throw new ChainMovedException("log of block " + number + " has hash " + log.getBlockHash() + ", the block " + header.hash());
            }
        }
        return headers;
    }

    private static List<ProcessedBlock> processedBlocks(final long to, final Map<Long, BlockHeader> headers,
            final TreeMap<Long, List<Object>> eventsByBlock) {
        final TreeMap<Long, List<Object>> blocks = new TreeMap<>(eventsByBlock);
        blocks.putIfAbsent(to, List.of());
        return blocks.entrySet().stream().map(entry -> new ProcessedBlock(entry.getKey(), headers.get(entry.getKey()).hash(),
                        entry.getValue().stream().filter(L1Event.class::isInstance).map(L1Event.class::cast).toList(),
                        entry.getValue().stream().filter(NetworkEvent.class::isInstance).map(NetworkEvent.class::cast).toList()))
                .toList();
    }

    /** The logs read, the last block they cover, and the headers of the range's first and last block read before them. */
    private record Range(long to, List<BlockLog> logs, Map<Long, BlockHeader> ends) {
    }

    /** A log with its block number and log index. */
    private record BlockLog(Log log, long block, long index) {
    }

    /** The chain changed between the reads of one step; nothing is published and the next step looks for a reorg. */
    private static final class ChainMovedException extends RuntimeException {
        ChainMovedException(final String message) {
            super(message);
        }
    }

    /** The ingester's counters. */
    private static final class Metrics {

        private final MeterRegistry meters;
        private final Counter rpcFailures;
        private final Counter reorgs;
        private final Counter retractions;
        private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
        private final Map<String, Counter> publishedByType = new HashMap<>();

        Metrics(final MeterRegistry meters) {
            this.meters = meters;
            this.rpcFailures = Counter.builder("epm_l1_ingester_rpc_failures_total").description("failed L1 RPC calls").register(meters);
            this.reorgs = Counter.builder("epm_l1_ingester_reorgs_total").description("L1 reorgs undone").register(meters);
            this.retractions = Counter.builder("epm_l1_ingester_retractions_total").description("events retracted after reorgs")
                    .register(meters);
            for (final SkipReason reason : SkipReason.values()) {
                skipped.put(reason, Counter.builder("epm_l1_ingester_skipped_logs_total").tag("reason", reason.tag())
                        .description("logs not published, by reason").register(meters));
            }
        }

        /** Counts a log of a committed step: published by event type, or skipped by reason. */
        void count(final DecodedLog log) {
            switch (log) {
                case DecodedLog.Batch batch -> published(batch.event().getClass().getSimpleName());
                case DecodedLog.Network network -> published(network.event().getClass().getSimpleName());
                case DecodedLog.Skipped skipped -> this.skipped.get(skipped.reason()).increment();
            }
        }

        private void published(final String type) {
            publishedByType.computeIfAbsent(type, t -> Counter.builder("epm_l1_ingester_events_published_total").tag("type", t)
                    .description("events published, by type").register(meters)).increment();
        }
    }
}
