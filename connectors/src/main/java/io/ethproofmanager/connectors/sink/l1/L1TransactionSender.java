package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.kafka.RetryingConsumerLoop;
import io.ethproofmanager.connectors.logging.CauseChain;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The crash-safe L1 sender: consumes L1 commands one at a time (read_committed, manual commits), makes each one's
 * transaction at most once (see {@link CommandProcessor}), publishes what became of it to the results topic (idempotent
 * producer, acknowledged) and only then commits the command's offset. A command that cannot be handled now (fee above
 * the cap, node or database down) is retried after a backoff without committing, the consumer staying in its group.
 */
public final class L1TransactionSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(L1TransactionSender.class);
    static final String THREAD_NAME = "epm-l1-sender";
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final L1SenderSettings settings;
    private final Attempts attempts;
    private final SenderMetrics metrics;
    private final Web3j web3j;
    private final L1Node node;
    private final ConsumerService service;
    private final AtomicReference<Optional<CrashPoint>> crashPoint = new AtomicReference<>(Optional.empty());

    public L1TransactionSender(final L1SenderSettings settings, final DataSource dataSource, final MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.attempts = new Attempts(dataSource);
        this.metrics = new SenderMetrics(meters);
        this.web3j = Web3j.build(new HttpService(settings.rpcUrl()));
        this.node = new L1Node(web3j);
        this.service = new ConsumerService("L1 sender", THREAD_NAME, settings.bootstrapServers(), settings.groupId(), settings.groupInstanceId(),
                settings.commandsTopic(), CLOSE_TIMEOUT, LOG);
    }

    /** Starts the sending loop on its own thread; a sender starts once. */
    public void start() {
        service.start(this::run);
    }

    /** True while the loop runs; false before start, after close and after it died. */
    public boolean isHealthy() {
        return service.isRunning();
    }

    /** Test hook: the sender dies, as if killed, when it next reaches {@code point}. */
    void crashAt(final CrashPoint point) {
        crashPoint.set(Optional.of(point));
    }

    /** Stops after the command in hand (a receipt still awaited is left to the next start's reconciliation). */
    @Override
    public void close() {
        service.close();
        web3j.shutdown();
    }

    private void run() {
        try {
            initialized().ifPresent(this::consume);
        } catch (final CrashPoint.SimulatedCrash e) {
            LOG.error("L1 sender of group {} died: {}", settings.groupId(), e.getMessage());
        }
    }

    /** The command processor, once the node answers (chain id, nonce); empty when closed first. */
    private Optional<CommandProcessor> initialized() {
        while (!service.isClosing()) {
            try {
                return Optional.of(processor());
            } catch (final L1Node.L1NodeException | Attempts.AttemptStoreException e) {
                LOG.warn("L1 sender cannot start yet, retrying in {} ms: {}", settings.heldRetryBackoff().toMillis(),
                        CauseChain.describe(e));
                service.awaitClosing(settings.heldRetryBackoff());
            }
        }
        return Optional.empty();
    }

    private CommandProcessor processor() {
        final long chainId = node.chainId();
        final String signer = settings.signerAddress();
        final NonceKeeper nonces = new NonceKeeper(signer, () -> node.pendingTransactionCount(signer),
                attempts.highestUnresolvedNonce(signer));
        final ProofManager reader = ProofManager.load(settings.contractAddress(), web3j,
                new ReadonlyTransactionManager(web3j, signer), new DefaultGasProvider());
        LOG.info("L1 sender ready: {}, L1 chain id {}", settings, chainId);
        return new CommandProcessor(settings, node, new ProofManagerCalls(reader), attempts, nonces, chainId, metrics,
                crashPoint, new ReceiptWaiter(node, settings.receiptPollInterval(), service.closing()));
    }

    private void consume(final CommandProcessor processor) {
        final long longestCommand = settings.receiptTimeout().multipliedBy(settings.maxAttempts() + 1L)
                .plus(Duration.ofMinutes(5)).toMillis();
        try (KafkaProducer<byte[], byte[]> producer = service.producer("results");
                RetryingConsumerLoop<byte[], byte[]> kafka = service.consumer(POLL_TIMEOUT, 1,
                        Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, longestCommand)))) {
            LOG.info("L1 sender consuming {} as group {}, results to {}", settings.commandsTopic(), settings.groupId(),
                    settings.resultsTopic());
            final Commands commands = new Commands(producer, processor);
            long nextReconciliation = System.nanoTime();
            while (!service.isClosing()) {
                if (System.nanoTime() - nextReconciliation >= 0) {
                    reconcileUnknown(producer, processor);
                    nextReconciliation = System.nanoTime() + settings.receiptTimeout().toNanos();
                }
                kafka.pollOnce(commands);
            }
        }
    }

    /** Publishes the outcomes of transactions given up as unknown that have mined since; failures wait for the next round. */
    private void reconcileUnknown(final KafkaProducer<byte[], byte[]> producer, final CommandProcessor processor) {
        try {
            processor.reconcileUnknown().forEach(result -> publish(producer, result));
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final RuntimeException e) {
            LOG.warn("reconciling the attempts of unknown outcome failed, retrying in {} ms: {}",
                    settings.receiptTimeout().toMillis(), CauseChain.describe(e));
        }
    }

    /** Each command (polls return one record): process, publish, commit; or rewind and back off. */
    private final class Commands implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        private final KafkaProducer<byte[], byte[]> producer;
        private final CommandProcessor processor;

        Commands(final KafkaProducer<byte[], byte[]> producer, final CommandProcessor processor) {
            this.producer = producer;
            this.processor = processor;
        }

        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> polled) {
            for (final ConsumerRecord<byte[], byte[]> record : polled) {
                final CommandProcessor.Decision decision = decode(record).map(processor::process)
                        .orElseGet(() -> new CommandProcessor.Decision(Optional.empty(), true));
                decision.publish().ifPresent(result -> publish(producer, result));
                updateBalance();
                if (!decision.commit()) {
                    throw new HeldException();
                }
            }
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> polled, final RuntimeException failure,
                final int consecutiveFailures) {
            if (failure instanceof HeldException) {
                return settings.heldRetryBackoff();
            }
            if (failure instanceof ReceiptWaiter.ClosingException) {
                LOG.info("{}; the command will be reconciled at the next start", failure.getMessage());
                return Duration.ZERO;
            }
            final ConsumerRecord<byte[], byte[]> record = polled.iterator().next();
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

    /** The processor holds the command (fee above the cap, say): it comes again after the held-retry backoff. */
    private static final class HeldException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        HeldException() {
            super("command held", null, false, false);
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

    private void updateBalance() {
        try {
            metrics.balance(node.balance(settings.signerAddress()));
        } catch (final L1Node.L1NodeException e) {
            LOG.debug("cannot read the signer's balance: {}", e.getMessage());
        }
    }
}
