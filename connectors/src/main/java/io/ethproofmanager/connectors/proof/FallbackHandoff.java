package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.connectors.kafka.RetryingConsumerLoop;
import io.ethproofmanager.connectors.logging.CauseChain;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the batches that fell back to the rollup's own provers: consumes {@link Topics#FALLBACK} (read_committed,
 * manual commits) and, for each record of its chain, sets the batch's {@code proof_generation_details} row to
 * {@code status = 'unpicked'}, {@code proving_mode = 'prover_cluster'} ({@link RollupHandoff#handBackFallenBack}). A
 * failing database is retried with backoff, the offset uncommitted; the update is idempotent, so a redelivery changes
 * nothing. Metrics: {@code epm_rollup_handoff_fallbacks_total}, {@code epm_rollup_handoff_retries_total}.
 */
public final class FallbackHandoff implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackHandoff.class);
    static final String THREAD_NAME = "epm-fallback-handoff";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String groupId;
    private final String topic;
    private final long chainId;
    private final RollupHandoff handoff;
    private final ProofHandlerSettings backoff;
    private final MeterRegistry meters;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private final AtomicReference<RetryingConsumerLoop<byte[], byte[]>> consumer = new AtomicReference<>();
    private volatile boolean loopRunning;

    /**
     * A hand-off of {@code chainId}'s fallbacks from {@code topic} as consumer group {@code groupId}; it polls and backs
     * off as {@code pace} says (its poll timeout and retry backoff).
     */
    public FallbackHandoff(final String bootstrapServers, final String groupId, final String topic, final long chainId,
            final RollupHandoff handoff, final ProofHandlerSettings pace, final MeterRegistry meters) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.chainId = chainId;
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.backoff = Objects.requireNonNull(pace, "pace");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    public void start() {
        final Thread loop = new Thread(this::run, THREAD_NAME);
        if (!thread.compareAndSet(null, loop)) {
            throw new IllegalStateException("the fallback hand-off of group " + groupId + " was already started");
        }
        loopRunning = true;
        loop.start();
    }

    /** True while the loop runs. */
    public boolean isHealthy() {
        return loopRunning;
    }

    @Override
    public void close() {
        closing.countDown();
        final Optional<Thread> loop = Optional.ofNullable(thread.get()).filter(t -> t != Thread.currentThread());
        if (loop.isEmpty()) {
            return;
        }
        try {
            loop.get().join(CLOSE_TIMEOUT);
            if (loop.get().isAlive()) {
                Optional.ofNullable(consumer.get()).ifPresent(RetryingConsumerLoop::wakeup);
                loop.get().join(Duration.ofSeconds(5));
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.CLIENT_ID_CONFIG, THREAD_NAME + "-" + groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (RetryingConsumerLoop<byte[], byte[]> kafka = new RetryingConsumerLoop<>(config, topic, backoff.pollTimeout(),
                () -> closing.getCount() == 0, "fallback hand-off", LOG)) {
            consumer.set(kafka);
            LOG.info("fallback hand-off consuming {} as group {} for chain {}", topic, groupId, chainId);
            final Handler handler = new Handler();
            while (closing.getCount() > 0) {
                kafka.pollOnce(handler);
            }
        } catch (final WakeupException | InterruptException e) {
            LOG.warn("fallback hand-off stopped by force; uncommitted fallbacks will be redelivered");
        } catch (final RuntimeException e) {
            LOG.error("fallback hand-off of group {} cannot consume {}", groupId, topic, e);
        } finally {
            loopRunning = false;
            LOG.info("fallback hand-off of group {} stopped", groupId);
        }
    }

    private final class Handler implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> records) {
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                fallback(record).filter(f -> f.chainId() == chainId).ifPresent(f -> {
                    handoff.handBackFallenBack(f.batchId());
                    Counter.builder("epm_rollup_handoff_fallbacks_total")
                            .description("fallen-back batches handed to the rollup's provers").register(meters).increment();
                });
            }
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> records, final RuntimeException failure, final int failures) {
            Counter.builder("epm_rollup_handoff_retries_total").description("fallback hand-offs retried after a failure")
                    .register(meters).increment();
            final Duration wait = backoff.retryBackoff(failures);
            LOG.warn("handing fallbacks to the rollup failed (attempt {}), retrying in {} ms: {}", failures, wait.toMillis(),
                    CauseChain.describe(failure));
            return wait;
        }

        @Override
        public void commitFailed(final Map<TopicPartition, OffsetAndMetadata> offsets, final KafkaException failure) {
            LOG.warn("committing fallback offsets {} failed; they may come again and change nothing: {}", offsets, failure.toString());
        }
    }

    private static Optional<FallbackRecord> fallback(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.of(Topics.FALLBACK.valueSerde().decode(record.value()));
        } catch (final MalformedRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.error("skipping malformed fallback record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }
}
