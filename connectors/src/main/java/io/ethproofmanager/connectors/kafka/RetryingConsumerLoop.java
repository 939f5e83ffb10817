package io.ethproofmanager.connectors.kafka;

import io.ethproofmanager.connectors.logging.CauseChain;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * Drives one {@link KafkaConsumer} with manual commits for a service that must not skip a record: each poll's records
 * go to a {@link Handler}; when it returns, their offsets are committed; when it throws, every partition of the poll
 * seeks back to its first record of that poll (where the last commit left it) and the consumer waits out a backoff the
 * handler chooses, its partitions paused and polling, so that it keeps its place in the group. The records then come
 * again, and so a record is committed only once the handler returned for it.
 *
 * <p>One thread calls {@link #pollOnce} (in its own loop, which may do other work between polls) and {@link #close};
 * any thread may call {@link #wakeup}. A {@link WakeupException} or {@link InterruptException} always propagates.
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 */
public final class RetryingConsumerLoop<K, V> implements AutoCloseable {

    /** How long a commit may take before it counts as failed. */
    public static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** What the loop does with each poll's records, and what it is told of failures and commits. */
    public interface Handler<K, V> {

        /**
         * Handles one poll's records (never none). Returning means they are done: the loop commits past them. Throwing
         * a {@link RuntimeException} means they must all come again, after {@link #failed}'s backoff.
         */
        void handle(ConsumerRecords<K, V> records);

        /**
         * Handling {@code records} failed (or committing them, where {@link #commitFailed} rethrows): logs and meters
         * it as the service does, and answers how long to back off before they come again.
         *
         * @param consecutiveFailures 1 for the first failure since the last poll handled, then 2, 3…
         */
        Duration failed(ConsumerRecords<K, V> records, RuntimeException failure, int consecutiveFailures);

        /** The offsets past a handled poll are committed. */
        default void committed(final Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        /**
         * Committing the offsets past a handled poll failed within {@link #COMMIT_TIMEOUT}. Returning accepts that the
         * records may be redelivered (after a rebalance or restart) and goes on; rethrowing {@code failure} has them
         * handled again now, as a failed handling.
         */
        void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets, KafkaException failure);

        /**
         * Per partition, the offset of the lowest record the handler still has in hand from an earlier or this poll
         * (returned from {@link #handle} without being done, a transaction in flight say): nothing from there on is
         * committed until it is done ({@link #commit} then). None by default: a handled poll is done.
         */
        default Map<TopicPartition, Long> inHand() {
            return Map.of();
        }
    }

    private final KafkaConsumer<K, V> consumer;
    private final Duration pollTimeout;
    private final BooleanSupplier closing;
    private final String owner;
    private final Logger log;
    private int consecutiveFailures;

    /**
     * Creates the consumer and subscribes it to {@code topic}.
     *
     * @param consumerConfig the consumer's configuration; auto-commit is turned off whatever it says
     * @param pollTimeout how long one poll (and one poll of a backoff) waits for records
     * @param closing true once the service closes: a backoff then ends early
     * @param owner the service, as named in log messages ("Postgres sink")
     * @param log the service's logger, so that the loop's few messages stand with the service's own
     */
    public RetryingConsumerLoop(final Map<String, Object> consumerConfig, final String topic, final Duration pollTimeout,
            final BooleanSupplier closing, final String owner, final Logger log) {
        this(consumerConfig, topic, pollTimeout, closing, owner, log, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            }
        });
    }

    /** As above, with {@code rebalances} told of the partitions assigned, revoked and lost (on the polling thread). */
    public RetryingConsumerLoop(final Map<String, Object> consumerConfig, final String topic, final Duration pollTimeout,
            final BooleanSupplier closing, final String owner, final Logger log, final ConsumerRebalanceListener rebalances) {
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.closing = Objects.requireNonNull(closing, "closing");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.log = Objects.requireNonNull(log, "log");
        final Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.of(Objects.requireNonNull(topic, "topic")), Objects.requireNonNull(rebalances, "rebalances"));
    }

    /** One poll: hand the records to {@code handler} and commit past them; or, when it fails, rewind and back off. */
    public void pollOnce(final Handler<K, V> handler) {
        final ConsumerRecords<K, V> polled = consumer.poll(pollTimeout);
        if (polled.isEmpty()) {
            return;
        }
        try {
            handler.handle(polled);
            consecutiveFailures = 0;
            commit(polled, handler);
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final RetryFrom e) {
            consecutiveFailures++;
            final Duration backoff = handler.failed(polled, e, consecutiveFailures);
            commitBefore(polled, e.offsets(), handler);
            backOff(backoff);
        } catch (final RuntimeException e) {
            consecutiveFailures++;
            final Duration backoff = handler.failed(polled, e, consecutiveFailures);
            rewind(polled);
            backOff(backoff);
        }
    }

    /**
     * Thrown by a handler that handled part of a poll: the records of the named partitions from the given offsets on
     * come again after the backoff; every other record of the poll counts as handled, and is committed.
     */
    public static final class RetryFrom extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient Map<TopicPartition, Long> offsets;

        public RetryFrom(final Map<TopicPartition, Long> offsets, final String why) {
            super(why, null, false, false);
            this.offsets = Map.copyOf(offsets);
        }

        /** Per partition, the first offset to handle again. */
        public Map<TopicPartition, Long> offsets() {
            return offsets;
        }
    }

    /** Commits what a partly handled poll handled, and seeks the rest back to where it comes again. */
    private void commitBefore(final ConsumerRecords<K, V> polled, final Map<TopicPartition, Long> retryFrom,
            final Handler<K, V> handler) {
        final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        final Map<TopicPartition, Long> inHand = handler.inHand();
        for (final TopicPartition partition : polled.partitions()) {
            final long next = Math.min(retryFrom.getOrDefault(partition, polled.records(partition).getLast().offset() + 1),
                    inHand.getOrDefault(partition, Long.MAX_VALUE));
            if (next > polled.records(partition).getFirst().offset()) {
                handled.put(partition, new OffsetAndMetadata(next));
            }
        }
        final Set<TopicPartition> assigned = consumer.assignment();
        retryFrom.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        if (handled.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(handled, COMMIT_TIMEOUT);
            handler.committed(handled);
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final KafkaException e) {
            // the handled records come again after a rebalance or restart; their handling is idempotent
            log.warn("committing the handled part of a poll of the {} failed: {}", owner, CauseChain.describe(e));
        }
    }

    /** Makes a poll (or a backoff) of the loop's thread throw {@link WakeupException}: a close that waited too long. */
    public void wakeup() {
        consumer.wakeup();
    }

    /** Closes the consumer, leaving the group; a failure to do so in time is logged, not thrown. */
    @Override
    public void close() {
        try {
            consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
        } catch (final KafkaException e) {
            log.warn("closing the {}'s consumer within {} s failed: {}", owner, CONSUMER_CLOSE_TIMEOUT.toSeconds(),
                    CauseChain.describe(e));
        }
    }

    /**
     * Commits {@code offsets} (per partition, the next record to handle) of partitions still assigned, on the loop's
     * thread between polls: for a handler whose records in hand are done since its last poll. A failure is logged; the
     * records then come again after a rebalance or restart.
     */
    public void commit(final Map<TopicPartition, Long> offsets) {
        final Set<TopicPartition> assigned = consumer.assignment();
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                committed.put(partition, new OffsetAndMetadata(offset));
            }
        });
        if (committed.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committed, COMMIT_TIMEOUT);
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final KafkaException e) {
            log.warn("committing {} of the {} failed: {}", committed, owner, CauseChain.describe(e));
        }
    }

    private void commit(final ConsumerRecords<K, V> polled, final Handler<K, V> handler) {
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        final Map<TopicPartition, Long> inHand = handler.inHand();
        for (final TopicPartition partition : polled.partitions()) {
            final long next = Math.min(polled.records(partition).getLast().offset() + 1,
                    inHand.getOrDefault(partition, Long.MAX_VALUE));
            if (next > polled.records(partition).getFirst().offset()) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (final WakeupException | InterruptException e) {
            throw e;
        } catch (final KafkaException e) {
            handler.commitFailed(offsets, e);
            return;
        }
        handler.committed(offsets);
    }

    /** Seeks each partition of {@code polled} that is still assigned back to its first record there. */
    private void rewind(final ConsumerRecords<K, V> polled) {
        final Set<TopicPartition> assigned = consumer.assignment();
        for (final TopicPartition partition : polled.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, polled.records(partition).getFirst().offset());
            }
        }
    }

    /** Waits {@code delay} with every partition paused, polling so that the consumer stays in its group. */
    private void backOff(final Duration delay) {
        final long deadline = System.nanoTime() + delay.toNanos();
        consumer.pause(consumer.assignment());
        try {
            long remaining;
            while (!closing.getAsBoolean() && (remaining = deadline - System.nanoTime()) > 0) {
                final ConsumerRecords<K, V> arrived =
                        consumer.poll(Duration.ofNanos(Math.min(remaining, pollTimeout.toNanos())));
                // partitions a rebalance assigned meanwhile are not paused: put back what they gave, pause them too
                rewind(arrived);
                consumer.pause(arrived.partitions());
            }
        } finally {
            consumer.resume(consumer.paused());
        }
    }
}
