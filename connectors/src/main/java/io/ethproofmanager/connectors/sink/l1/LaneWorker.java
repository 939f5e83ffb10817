package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.kafka.RetryingConsumerLoop;
import io.ethproofmanager.connectors.logging.CauseChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * One member of the L1 sender's consumer group, on a thread of its own: it sends the commands of the lanes Kafka assigns
 * it ({@link LaneAssignor}), one command at a time (read_committed, manual commits), publishes what became of each to the
 * results topic (idempotent producer, acknowledged) and only then commits the command's offset. It takes each assigned
 * lane in PostgreSQL ({@link LaneLeases#take}) before sending on it, and stops sending on a lane the moment another
 * instance took it (an attempt it then tries to persist is refused, so nothing is broadcast). A command that cannot be
 * handled now (fee above the cap, node or database down) is retried after a backoff without committing.
 */
final class LaneWorker {

    private static final Logger LOG = LoggerFactory.getLogger(L1TransactionSender.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final L1SenderSettings settings;
    private final Attempts attempts;
    private final LaneLeases leases;
    private final SenderMetrics metrics;
    private final Web3j web3j;
    private final L1Node node;
    private final String owner;
    private final int worker;
    private final ConsumerService service;
    private final AtomicReference<Optional<CrashPoint>> crashPoint;
    /** Lanes of the current assignment; their processors once taken; lanes found taken by another instance meanwhile. */
    private final Set<Integer> assigned = new HashSet<>();
    private final Map<Integer, CommandProcessor> processors = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<Integer> fenced = new HashSet<>();
    /**
     * Commands taken from the topic and not done, across polls: transactions in flight, and commands to start again at
     * a later time (a request refused or of unknown outcome, retried until its deadline). Their offsets stay uncommitted.
     */
    private final List<Pending> inHand = new ArrayList<>();
    /** Per partition, the offset after the last record handled or in hand (commits never go past it). */
    private final Map<TopicPartition, Long> seen = new HashMap<>();
    /** The results producer while consuming. */
    private KafkaProducer<byte[], byte[]> results;

    LaneWorker(final L1SenderSettings settings, final Attempts attempts, final LaneLeases leases, final SenderMetrics metrics,
            final Web3j web3j, final int index, final String instance, final AtomicReference<Optional<CrashPoint>> crashPoint) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.node = new L1Node(web3j);
        this.crashPoint = Objects.requireNonNull(crashPoint, "crashPoint");
        this.owner = instance + "/" + index;
        this.worker = index;
        final Optional<String> memberId = settings.groupInstanceId().map(id -> index == 0 ? id : id + "-lane-worker-" + index);
        this.service = new ConsumerService("L1 sender", L1TransactionSender.THREAD_NAME + (index == 0 ? "" : "-" + index),
                settings.bootstrapServers(), settings.groupId(), memberId, settings.commandsTopic(), CLOSE_TIMEOUT, LOG);
    }

    void start() {
        service.start(this::run);
    }

    boolean isRunning() {
        return service.isRunning();
    }

    void close() {
        service.close();
    }

    private void run() {
        try {
            chainId().ifPresent(this::consume);
        } catch (final CrashPoint.SimulatedCrash e) {
            LOG.error("L1 sender {} of group {} died: {}", owner, settings.groupId(), e.getMessage());
        }
    }

    /** The L1 chain id, once the node answers; empty when closed first. */
    private Optional<Long> chainId() {
        while (!service.isClosing()) {
            try {
                return Optional.of(node.chainId());
            } catch (final L1Node.L1NodeException e) {
                LOG.warn("L1 sender cannot start yet, retrying in {} ms: {}", settings.heldRetryBackoff().toMillis(),
                        CauseChain.describe(e));
                service.awaitClosing(settings.heldRetryBackoff());
            }
        }
        return Optional.empty();
    }

    private void consume(final long chainId) {
        // a loop started again after a failure (ConsumerService) starts as a new process would: from the committed
        // offsets, with the lanes taken anew and the commands in hand reconciled from their persisted attempts
        inHand.clear();
        processors.clear();
        assigned.clear();
        fenced.clear();
        seen.clear();
        final long longestCommand = settings.receiptTimeout().multipliedBy(settings.maxAttempts() + 1L)
                .plus(Duration.ofMinutes(5)).toMillis();
        try (KafkaProducer<byte[], byte[]> producer = service.producer("results");
                RetryingConsumerLoop<byte[], byte[]> kafka = service.consumer(POLL_TIMEOUT, settings.maxInFlight(), Map.of(
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, longestCommand),
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, LaneAssignor.class.getName(),
                        LaneAssignor.LANES_CONFIG, settings.lanes(), LaneAssignor.WORKER_CONFIG, worker),
                        Optional.of(new Rebalances()))) {
            LOG.info("L1 sender {} consuming {} as group {}, results to {}, {} lane(s)", owner, settings.commandsTopic(),
                    settings.groupId(), settings.resultsTopic(), settings.lanes());
            results = producer;
            final Commands commands = new Commands(producer, chainId);
            long nextReconciliation = System.nanoTime();
            while (!service.isClosing()) {
                takeAssignedLanes(chainId);
                if (System.nanoTime() - nextReconciliation >= 0) {
                    reconcileUnknown(producer);
                    fillNonceGaps(producer);
                    // sooner while a transaction broadcast again after a reorg awaits its receipt (its result is due)
                    final boolean resent = processors.values().stream().anyMatch(CommandProcessor::awaitingResentAfterReorg);
                    nextReconciliation = System.nanoTime()
                            + (resent ? settings.receiptPollInterval() : settings.receiptTimeout()).toNanos();
                }
                kafka.pollOnce(commands);
                commands.checkRound();
                kafka.commit(commands.committable());
            }
        } finally {
            processors.keySet().forEach(lane -> metrics.lane(lane(lane), -1));
        }
    }

    /** Takes every assigned lane not yet taken (nor found taken by another instance since); a failure waits for the next poll. */
    private void takeAssignedLanes(final long chainId) {
        for (final int index : assigned) {
            if (processors.containsKey(index) || fenced.contains(index)) {
                continue;
            }
            try {
                processors.put(index, take(lane(index), chainId));
            } catch (final L1Node.L1NodeException | Attempts.AttemptStoreException e) {
                LOG.warn("cannot take lane {} yet, retrying: {}", index, CauseChain.describe(e));
            }
        }
    }

    /**
     * Takes the lane: its epoch first (any attempt its previous holder persists from then on is refused), then its nonces,
     * counted after the node's pending count and every persisted attempt that may still mine, which are made known to the
     * node again where it lost them; then its mined transactions that a reorg removed meanwhile are reported and sent
     * again.
     */
    private CommandProcessor take(final Lane lane, final long chainId) {
        final LaneLease lease = leases.take(lane.address(), owner);
        final String signer = lane.signer().getAddress();
        final NonceKeeper nonces = new NonceKeeper(signer, () -> node.pendingTransactionCount(signer),
                attempts.highestUnresolvedNonce(signer));
        final ProofManager reader = ProofManager.load(settings.contractAddress(), web3j,
                new ReadonlyTransactionManager(web3j, signer), new DefaultGasProvider());
        final CommandProcessor processor = new CommandProcessor(settings, lane, lease, node, new ProofManagerCalls(reader),
                attempts, nonces, chainId, metrics, crashPoint,
                new ReceiptWaiter(node, settings.receiptPollInterval(), service.closing()));
        processor.resumeLane();
        // before any command of the lane takes a nonce: a reorg while the lane was not held may have removed its own
        // transactions below the node's count, which its nonces start at
        fillNonceGaps(results, lane.index(), processor);
        metrics.resumed(lane, attempts.firstBroadcasts(lane.address()));
        metrics.lane(lane, processor.nextNonce());
        LOG.info("took {} as {} (epoch {}); L1 chain id {}, next nonce {}", lane, owner, lease.epoch(), chainId,
                processor.nextNonce());
        return processor;
    }

    private Lane lane(final int index) {
        return new Lane(index, settings.submitters().get(index));
    }

    /** Publishes the outcomes of transactions given up as unknown that have mined since; failures wait for the next round. */
    private void reconcileUnknown(final KafkaProducer<byte[], byte[]> producer) {
        for (final Map.Entry<Integer, CommandProcessor> held : Map.copyOf(processors).entrySet()) {
            try {
                held.getValue().reconcileUnknown().forEach(result -> publish(producer, result));
            } catch (final WakeupException | InterruptException e) {
                throw e;
            } catch (final RuntimeException e) {
                LOG.warn("reconciling the attempts of unknown outcome of lane {} failed, retrying in {} ms: {}", held.getKey(),
                        settings.receiptTimeout().toMillis(), CauseChain.describe(e));
            }
        }
    }

    /**
     * Looks for nonce gaps below each lane's lowest transaction in flight (a reorg that removed mined transactions of the
     * lane for good): the {@code reorged_out} results are published before their transactions mine again.
     */
    private void fillNonceGaps(final KafkaProducer<byte[], byte[]> producer) {
        for (final Map.Entry<Integer, CommandProcessor> held : Map.copyOf(processors).entrySet()) {
            fillNonceGaps(producer, held.getKey(), held.getValue());
        }
    }

    /** Fills the lane's nonce gaps; when it filled one, the lane's transactions in flight wait a whole timeout again. */
    private void fillNonceGaps(final KafkaProducer<byte[], byte[]> producer, final int index, final CommandProcessor processor) {
        final List<CommandProcessor.InFlight> inFlight = inHand.stream().filter(p -> p.lane() == index)
                .flatMap(p -> p.inFlight().stream()).toList();
        try {
            final List<CommandProcessor.ReorgedOut> reorged = processor.fillNonceGaps(
                    inFlight.stream().map(CommandProcessor.InFlight::nonce).min(Long::compare));
            for (final CommandProcessor.ReorgedOut gone : reorged) {
                gone.result().ifPresent(result -> publish(producer, result)); // before it is sent again
                processor.sendAgain(gone);
            }
            if (!reorged.isEmpty()) {
                inFlight.forEach(sent -> sent.waitAgain(settings.receiptTimeout()));
            }
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final RuntimeException e) {
            LOG.warn("looking for nonce gaps of lane {} failed, retrying at the next look: {}", index, CauseChain.describe(e));
        }
    }

    /** What Kafka assigns: the lanes of the partitions; a lane revoked or lost is dropped (taken again when assigned again). */
    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> {
                final int lane = Lane.ofPartition(partition.partition(), settings.lanes());
                assigned.add(lane);
                fenced.remove(lane);
            });
            LOG.info("L1 sender {} assigned {}: lanes {}", owner, partitions, assigned);
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        private void drop(final Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> {
                final int lane = Lane.ofPartition(partition.partition(), settings.lanes());
                assigned.remove(lane);
                fenced.remove(lane);
                inHand.removeIf(pending -> pending.lane() == lane);
                if (processors.remove(lane) != null) {
                    metrics.lane(lane(lane), -1);
                    LOG.info("L1 sender {} released lane {}", owner, lane);
                }
            });
        }
    }

    /** Each command (polls return one record): process on its lane, publish, commit; or rewind and back off. */
    private final class Commands implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        private final KafkaProducer<byte[], byte[]> producer;
        private final long chainId;
        private final Map<TopicPartition, Long> committed = new HashMap<>();
        private boolean onlyFull;

        Commands(final KafkaProducer<byte[], byte[]> producer, final long chainId) {
            this.producer = producer;
            this.chainId = chainId;
        }

        /**
         * Starts each command of the poll on its lane (a lane keeps up to {@code epm.l1.max-in-flight} transactions in
         * flight, with consecutive nonces, followed across polls by {@link #checkRound}). A lane whose command is held
         * (fee cap, a failure) or whose pipeline is full starts none of its later commands: they come again, from that
         * one on, after the held-retry backoff (at once when only full), while the others are committed once done.
         */
        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> polled) {
            final Map<TopicPartition, Long> retryFrom = new HashMap<>();
            final Set<Integer> stopped = new HashSet<>();
            final List<String> why = new ArrayList<>();
            for (final ConsumerRecord<byte[], byte[]> record : polled) {
                final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                final int index = Lane.ofPartition(record.partition(), settings.lanes());
                if (!stopped.contains(index) && inFlight(index) >= settings.maxInFlight()) {
                    stopped.add(index);
                }
                if (stopped.contains(index)) {
                    retryFrom.merge(partition, record.offset(), Math::min);
                    continue;
                }
                seen.put(partition, record.offset() + 1);
                final Optional<L1Command> command = decode(record);
                if (command.isEmpty()) {
                    continue;
                }
                final Pending pending = new Pending(index, partition, record.offset(), command.get());
                if (!start(pending)) {
                    stopped.add(index);
                    retryFrom.merge(partition, record.offset(), Math::min);
                    seen.put(partition, record.offset());
                    why.add(command.get().commandId() + " held");
                }
            }
            checkRound();
            if (!retryFrom.isEmpty()) {
                onlyFull = why.isEmpty();
                throw new RetryingConsumerLoop.RetryFrom(retryFrom, why.isEmpty() ? "pipeline full" : String.join("; ", why));
            }
        }

        /** Starts a command: true when it is in flight or done, false when it is held (or failed) and comes again. */
        private boolean start(final Pending pending) {
            try {
                final CommandProcessor.Started started = processor(pending.lane()).start(pending.command());
                if (started.inFlight().isPresent()) {
                    inHand.add(pending.sending(started.inFlight().get()));
                    metrics.sent(lane(pending.lane()), pending.command().commandId());
                    return true;
                }
                return conclude(pending.lane(), started.decision().get());
            } catch (final WakeupException | InterruptException | CrashPoint.SimulatedCrash e) {
                throw e;
            } catch (final RuntimeException e) {
                failed(pending.lane(), pending.command().commandId(), pending.offset(), e);
                return false;
            }
        }

        /** The per-partition offsets of the lowest commands in hand: nothing is committed from there on. */
        @Override
        public Map<TopicPartition, Long> inHand() {
            final Map<TopicPartition, Long> lowest = new HashMap<>();
            inHand.forEach(pending -> lowest.merge(pending.partition(), pending.offset(), Math::min));
            return lowest;
        }

        /** Per partition, how far every command is done: up to the lowest in hand, else past the last seen. */
        Map<TopicPartition, Long> committable() {
            final Map<TopicPartition, Long> lowest = inHand();
            final Map<TopicPartition, Long> done = new HashMap<>();
            seen.forEach((partition, next) -> {
                final long upTo = Math.min(next, lowest.getOrDefault(partition, Long.MAX_VALUE));
                if (!Long.valueOf(upTo).equals(committed.get(partition))) {
                    done.put(partition, upTo);
                }
            });
            committed.putAll(done);
            return done;
        }

        /**
         * One look at every lane's commands in hand: the transactions in flight lowest nonce first, their receipts asked
         * in one batch per lane, each decision published as it comes; commands due to be started again started.
         */
        void checkRound() {
            final Map<Integer, List<Pending>> byLane = new TreeMap<>();
            inHand.forEach(pending -> byLane.computeIfAbsent(pending.lane(), lane -> new ArrayList<>()).add(pending));
            byLane.forEach(this::checkLane);
            byLane.keySet().forEach(index -> metrics.inFlight(lane(index), commandIds(index, p -> p.inFlight().isPresent()),
                    commandIds(index, p -> p.confirming().isEmpty())));
        }

        private void checkLane(final int index, final List<Pending> pending) {
            final CommandProcessor processor = processors.get(index);
            if (processor == null) {
                return;
            }
            final List<Pending> sending = pending.stream().filter(p -> p.inFlight().isPresent())
                    .sorted(Comparator.comparingLong(p -> p.inFlight().get().nonce())).toList();
            Map<String, TransactionReceipt> receipts = Map.of();
            if (!sending.isEmpty()) {
                try {
                    receipts = node.receipts(processor.hashesInFlight(sending.stream().map(p -> p.inFlight().get()).toList()));
                } catch (final L1Node.L1NodeException | Attempts.AttemptStoreException e) {
                    LOG.debug("cannot read the receipts of lane {} now: {}", index, e.getMessage());
                    return;
                }
            }
            if (!sending.isEmpty() && sending.getFirst().inFlight().get().timedOut()) {
                // the lowest waited a whole timeout: a nonce gap below it (a reorg) would hold it and every later one
                fillNonceGaps(producer, index, processor);
            }
            for (final Pending next : sending) {
                try {
                    final Optional<CommandProcessor.Decision> decision = processor.check(next.inFlight().get(), receipts);
                    if (decision.isPresent()) {
                        inHand.remove(next);
                        if (!conclude(index, decision.get())) {
                            inHand.add(next.later(settings.heldRetryBackoff()));
                        } else if (settings.senderConfirmations() > 0) {
                            decision.get().publish().filter(result -> result.outcome() == L1TransactionResult.Outcome.MINED
                                    && result.txHash() != null && result.blockNumber() != null)
                                    .ifPresent(result -> inHand.add(next.confirming(result)));
                        }
                    }
                } catch (final WakeupException | InterruptException | CrashPoint.SimulatedCrash e) {
                    throw e;
                } catch (final RuntimeException e) {
                    failed(index, next.command().commandId(), next.offset(), e);
                    inHand.remove(next);
                    if (!fenced.contains(index)) {
                        inHand.add(next.later(settings.heldRetryBackoff()));
                    }
                }
            }
            confirm(index, processor, pending);
            for (final Pending due : pending) {
                if (due.inFlight().isEmpty() && due.confirming().isEmpty() && System.nanoTime() - due.notBefore() >= 0 && processors.containsKey(index)
                        && inHand.remove(due)) {
                    if (!start(due.again())) {
                        inHand.add(due.later(settings.heldRetryBackoff()));
                    }
                }
            }
            if (fenced.contains(index)) {
                inHand.removeIf(p -> p.lane() == index);
            }
        }

        /**
         * The lane's mined transactions awaiting {@code epm.l1.sender-confirmations} blocks on top: done once that deep;
         * one whose receipt is gone and that the node does not hold (reorged out for good) is marked so and its command
         * started again at once (its persisted transaction broadcast again, or, when its nonce went to another, the
         * command reconciled with the contract and sent anew).
         */
        private void confirm(final int index, final CommandProcessor processor, final List<Pending> pending) {
            final List<Pending> confirming = pending.stream().filter(p -> p.confirming().isPresent()).toList();
            if (confirming.isEmpty()) {
                return;
            }
            try {
                final Map<String, TransactionReceipt> receipts = node.receipts(confirming.stream()
                        .map(p -> p.confirming().get().txHash()).toList());
                final long head = node.head().number();
                for (final Pending mined : confirming) {
                    final L1TransactionResult result = mined.confirming().get();
                    final TransactionReceipt receipt = receipts.get(result.txHash());
                    if (receipt != null) {
                        if (head - receipt.getBlockNumber().longValueExact() >= settings.senderConfirmations()) {
                            inHand.remove(mined);
                        }
                    } else if (!node.knows(result.txHash())) {
                        publish(producer, processor.reorgedOut(result));
                        inHand.remove(mined);
                        inHand.add(mined.again());
                    }
                }
            } catch (final L1Node.L1NodeException | Attempts.AttemptStoreException e) {
                LOG.debug("cannot check the confirmations of lane {} now: {}", index, e.getMessage());
            }
        }

        /** The ids of the lane's commands in hand that {@code which}. */
        private List<String> commandIds(final int index, final java.util.function.Predicate<Pending> which) {
            return inHand.stream().filter(p -> p.lane() == index && which.test(p)).map(p -> p.command().commandId()).toList();
        }

        private int inFlight(final int index) {
            return (int) inHand.stream().filter(p -> p.lane() == index && p.inFlight().isPresent()).count();
        }

        /** Publishes a decision's result; true when its command is done (its offset may be committed). */
        private boolean conclude(final int index, final CommandProcessor.Decision decision) {
            decision.publish().ifPresent(result -> publish(producer, result));
            decision.publish().filter(result -> decision.commit()).ifPresent(result -> metrics.done(lane(index), result.commandId()));
            Optional.ofNullable(processors.get(index)).ifPresent(processor -> metrics.lane(lane(index), processor.nextNonce()));
            updateBalance(lane(index));
            return decision.commit();
        }

        /** Notes a command that failed on its lane (a lane found taken by another instance stops here); returns why. */
        private String failed(final int index, final String commandId, final long offset, final RuntimeException failure) {
            if (failure instanceof Attempts.LaneFencedException) {
                processors.remove(index);
                fenced.add(index);
                metrics.lane(lane(index), -1);
            }
            if (failure instanceof Attempts.LaneFencedException || failure instanceof LaneNotHeldException) {
                LOG.warn("L1 sender {} does not send {} (offset {}): {}", owner, commandId, offset, failure.getMessage());
            } else {
                LOG.warn("cannot handle {} (offset {}), retrying in {} ms: {}", commandId, offset,
                        settings.heldRetryBackoff().toMillis(), CauseChain.describe(failure));
            }
            return commandId + ": " + failure.getMessage();
        }

        private CommandProcessor processor(final int index) {
            if (fenced.contains(index)) {
                throw new LaneNotHeldException("lane " + index + " was taken by another instance; waiting for Kafka to"
                        + " assign it again");
            }
            final CommandProcessor processor = processors.get(index);
            if (processor != null) {
                return processor;
            }
            final CommandProcessor taken = take(lane(index), chainId);
            processors.put(index, taken);
            return taken;
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> polled, final RuntimeException failure,
                final int consecutiveFailures) {
            if (failure instanceof RetryingConsumerLoop.RetryFrom) {
                return onlyFull ? settings.receiptPollInterval() : settings.heldRetryBackoff();
            }
            if (failure instanceof ReceiptWaiter.ClosingException) {
                LOG.info("{}; the command will be reconciled at the next start", failure.getMessage());
                return Duration.ZERO;
            }
            final ConsumerRecord<byte[], byte[]> record = polled.iterator().next();
            if (failure instanceof Attempts.LaneFencedException || failure instanceof LaneNotHeldException) {
                LOG.warn("L1 sender {} does not send {} (offset {}): {}", owner, commandId(record), record.offset(),
                        failure.getMessage());
                return settings.heldRetryBackoff();
            }
            LOG.warn("cannot handle {} (offset {}), retrying in {} ms: {}", commandId(record), record.offset(),
                    settings.heldRetryBackoff().toMillis(), CauseChain.describe(failure));
            return settings.heldRetryBackoff();
        }

        /** A command whose offset is not committed is handled again now (the processor makes its transaction once). */
        @Override
        public void commitFailed(final Map<TopicPartition, OffsetAndMetadata> offsets, final KafkaException failure) {
            throw failure;
        }
    }

    /**
     * A command taken from the topic and not done: its transaction in flight, or (none) to be started again not before
     * {@code notBefore} (System.nanoTime).
     */
    private record Pending(int lane, TopicPartition partition, long offset, L1Command command,
            Optional<CommandProcessor.InFlight> inFlight, long notBefore, Optional<L1TransactionResult> confirming) {

        Pending(final int lane, final TopicPartition partition, final long offset, final L1Command command) {
            this(lane, partition, offset, command, Optional.empty(), System.nanoTime(), Optional.empty());
        }

        Pending sending(final CommandProcessor.InFlight sent) {
            return new Pending(lane, partition, offset, command, Optional.of(sent), notBefore, Optional.empty());
        }

        Pending later(final Duration backoff) {
            return new Pending(lane, partition, offset, command, Optional.empty(), System.nanoTime() + backoff.toNanos(),
                    Optional.empty());
        }

        /** Mined by {@code result}'s transaction, awaiting the confirmation depth. */
        Pending confirming(final L1TransactionResult result) {
            return new Pending(lane, partition, offset, command, Optional.empty(), Long.MAX_VALUE, Optional.of(result));
        }

        Pending again() {
            return new Pending(lane, partition, offset, command);
        }
    }

    /** The command's lane was taken by another instance: this one waits for the group to assign it again. */
    private static final class LaneNotHeldException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        LaneNotHeldException(final String message) {
            super(message, null, false, false);
        }
    }

    private Optional<L1Command> decode(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.of(Topics.L1_COMMANDS.valueSerde().decode(record.value()));
        } catch (final MalformedRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.error("skipping malformed L1 command {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The id of the command in {@code record} for a log line, or "?" when it does not decode (already logged). */
    private static String commandId(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return Topics.L1_COMMANDS.valueSerde().decode(record.value()).commandId();
        } catch (final RuntimeException e) {
            return "?";
        }
    }

    private void publish(final KafkaProducer<byte[], byte[]> producer, final L1TransactionResult result) {
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.resultsTopic(),
                Topics.L1_TX_RESULTS.keySerde().encode(result.batchId()), Topics.L1_TX_RESULTS.valueSerde().encode(result));
        ConsumerService.send(producer, record, "the result of " + result.commandId());
        metrics.outcome(result);
        LOG.info("published {} of {} ({})", result.outcome().wireName(), result.commandId(),
                Optional.ofNullable(result.revertReason()).or(() -> Optional.ofNullable(result.detail())).orElse(""));
    }

    private void updateBalance(final Lane lane) {
        try {
            metrics.balance(lane, node.balance(lane.signer().getAddress()));
        } catch (final L1Node.L1NodeException e) {
            LOG.debug("cannot read the balance of {}: {}", lane, e.getMessage());
        }
    }

    /** The nonce the lane's next new transaction takes, when this worker holds the lane. */
    Optional<Long> nextNonce(final int lane) {
        return Optional.ofNullable(processors.get(lane)).map(CommandProcessor::nextNonce);
    }
}
