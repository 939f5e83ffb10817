package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.connectors.kafka.ConsumerService;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the batches that fell back to the rollup's own provers: consumes {@link Topics#FALLBACK} (read_committed,
 * manual commits) and, for each record of one of its chains, sets the batch's {@code proof_generation_details} row to
 * {@code status = 'unpicked'}, {@code proving_mode = 'prover_cluster'} ({@link RollupHandoff#handBackFallenBack}). A
 * failing database is retried with backoff, the offset uncommitted; the update is idempotent, so a redelivery changes
 * nothing. Metrics: {@code epm_rollup_handoff_fallbacks_total}, {@code epm_rollup_handoff_retries_total}.
 */
public final class FallbackHandoff implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackHandoff.class);
    static final String THREAD_NAME = "epm-fallback-handoff";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ConsumerService service;
    private final Map<Long, RollupHandoff> handoffs;
    private final ProofHandlerSettings pace;
    private final MeterRegistry meters;

    /**
     * A hand-off of {@code chainId}'s fallbacks from {@code topic} as consumer group {@code groupId}; it polls and backs
     * off as {@code pace} says (its poll timeout and retry backoff), and is the static member {@code pace}'s
     * {@code groupInstanceId} of its group when it has one.
     */
    public FallbackHandoff(final String bootstrapServers, final String groupId, final String topic, final long chainId,
            final RollupHandoff handoff, final ProofHandlerSettings pace, final MeterRegistry meters) {
        this(bootstrapServers, groupId, topic, Map.of(chainId, Objects.requireNonNull(handoff, "handoff")), pace, meters);
    }

    /** A hand-off of the fallbacks of each chain of {@code handoffs} to its rollup; records of other chains are skipped. */
    public FallbackHandoff(final String bootstrapServers, final String groupId, final String topic,
            final Map<Long, RollupHandoff> handoffs, final ProofHandlerSettings pace, final MeterRegistry meters) {
        this.service = new ConsumerService("fallback hand-off", THREAD_NAME, bootstrapServers, groupId, pace.groupInstanceId(),
                topic, CLOSE_TIMEOUT, LOG);
        this.handoffs = Map.copyOf(handoffs);
        this.pace = Objects.requireNonNull(pace, "pace");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    public void start() {
        service.start(this::consume);
    }

    /** True while the loop runs. */
    public boolean isHealthy() {
        return service.isRunning();
    }

    @Override
    public void close() {
        service.close();
    }

    private void consume() {
        try (RetryingConsumerLoop<byte[], byte[]> kafka = service.consumer(pace.pollTimeout(), 500, Map.of())) {
            LOG.info("fallback hand-off for chains {} consuming", handoffs.keySet());
            final Handler handler = new Handler();
            while (!service.isClosing()) {
                kafka.pollOnce(handler);
            }
        }
    }

    private final class Handler implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> records) {
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                fallback(record).filter(f -> handoffs.containsKey(f.chainId())).ifPresent(f -> {
                    handoffs.get(f.chainId()).handBackFallenBack(f.batchId());
                    Counter.builder("epm_rollup_handoff_fallbacks_total")
                            .description("fallen-back batches handed to the rollup's provers").register(meters).increment();
                });
            }
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> records, final RuntimeException failure, final int failures) {
            Counter.builder("epm_rollup_handoff_retries_total").description("fallback hand-offs retried after a failure")
                    .register(meters).increment();
            final Duration wait = pace.retryBackoff(failures);
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
