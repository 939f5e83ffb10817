package io.ethproofmanager.connectors.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;

/**
 * The plumbing of a service that consumes one topic on a thread of its own (the proof handler, the L1 sender, the Postgres
 * sink): the thread, started once; the health flag, true while the loop runs; the stop, which signals closing, waits for
 * the loop to finish what it has in hand and, when it does not within the service's close timeout, wakes its consumer up
 * and interrupts it; and the Kafka clients' configuration: a {@link RetryingConsumerLoop} of the service's group
 * (read_committed, manual commits, from the earliest offset) and idempotent, acknowledged producers.
 *
 * <p>The service's own loop runs on the thread ({@link #start}) and checks {@link #isClosing()} between polls; its
 * backoffs wait with {@link #awaitClosing}, so that they end at close.
 */
public final class ConsumerService implements AutoCloseable {

    /** How long a producer send may take to be acknowledged (and to block for metadata) before it counts as failed. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /** Longest backoff a service's settings may ask for: well inside the consumer's {@code max.poll.interval.ms} of 5 min. */
    public static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration WOKEN_UP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIRST_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** Longest wait before a failed loop is started again. */
    public static final Duration LONGEST_RESTART_BACKOFF = Duration.ofSeconds(30);

    private final String owner;
    private final String threadName;
    private final String bootstrapServers;
    private final String groupId;
    private final Optional<String> groupInstanceId;
    private final String topic;
    private final Duration closeTimeout;
    private final Logger log;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private final AtomicReference<RetryingConsumerLoop<byte[], byte[]>> consumer = new AtomicReference<>();
    private volatile boolean running;

    /**
     * @param owner the service as named in log messages ("Postgres sink")
     * @param threadName the loop thread's name, also the prefix of the clients' ids
     * @param bootstrapServers the Kafka cluster
     * @param groupId the consumer group
     * @param topic the topic consumed
     * @param closeTimeout how long {@link #close} waits for the loop before waking it up
     * @param log the service's logger, so that these few messages stand with the service's own
     */
    public ConsumerService(final String owner, final String threadName, final String bootstrapServers, final String groupId,
            final String topic, final Duration closeTimeout, final Logger log) {
        this(owner, threadName, bootstrapServers, groupId, Optional.empty(), topic, closeTimeout, log);
    }

    /**
     * A service whose consumer is the static member {@code groupInstanceId} of its group (Kafka's
     * {@code group.instance.id}): restarted under the same id, it takes its partitions back at once instead of after the
     * dead member's session timeout.
     */
    public ConsumerService(final String owner, final String threadName, final String bootstrapServers, final String groupId,
            final Optional<String> groupInstanceId, final String topic, final Duration closeTimeout, final Logger log) {
        this.groupInstanceId = Objects.requireNonNull(groupInstanceId, "groupInstanceId");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Runs {@code loop} on the service's thread; a service starts once. A loop stopped by force (woken up, interrupted)
     * is logged and the health flag is false from then on; one that failed is started again after a backoff.
     */
    public void start(final Runnable loop) {
        Objects.requireNonNull(loop, "loop");
        final Thread started = new Thread(() -> run(loop), threadName);
        if (!thread.compareAndSet(null, started)) {
            throw new IllegalStateException("the " + owner + " of group " + groupId + " was already started");
        }
        running = true;
        started.start();
    }

    /** True while the loop runs; false before start, after close and after it died. */
    public boolean isRunning() {
        return running;
    }

    /** True once {@link #close} was called. */
    public boolean isClosing() {
        return closing.getCount() == 0;
    }

    /** Counted down when {@link #close} begins: what waits on it ends at close. */
    public CountDownLatch closing() {
        return closing;
    }

    /** Waits {@code delay}, or less when the service closes meanwhile; an interrupt counts as closing. */
    public void awaitClosing(final Duration delay) {
        try {
            closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            closing.countDown();
        }
    }

    /**
     * The service's consumer, subscribed to its topic: its group, read_committed, manual commits, from the earliest
     * offset, at most {@code maxPollRecords} a poll, byte arrays; {@code extra} adds to that. {@link #close} wakes it up
     * when the loop does not stop in time. To be used on the service's thread, and closed there.
     */
    public RetryingConsumerLoop<byte[], byte[]> consumer(final Duration pollTimeout, final int maxPollRecords,
            final Map<String, Object> extra) {
        return consumer(pollTimeout, maxPollRecords, extra, Optional.empty());
    }

    /** As {@link #consumer(Duration, int, Map)}, with {@code rebalances} told of its partitions assigned and revoked. */
    public RetryingConsumerLoop<byte[], byte[]> consumer(final Duration pollTimeout, final int maxPollRecords,
            final Map<String, Object> extra, final Optional<ConsumerRebalanceListener> rebalances) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, threadName + "-" + groupId);
        groupInstanceId.ifPresent(id -> config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.putAll(extra);
        final RetryingConsumerLoop<byte[], byte[]> loop = rebalances
                .map(listener -> new RetryingConsumerLoop<byte[], byte[]>(config, topic, pollTimeout, this::isClosing, owner, log, listener))
                .orElseGet(() -> new RetryingConsumerLoop<>(config, topic, pollTimeout, this::isClosing, owner, log));
        consumer.set(loop);
        return loop;
    }

    /**
     * An idempotent producer whose sends are acknowledged by every in-sync replica within {@link #SEND_TIMEOUT}, sent at
     * once (no linger), byte arrays; its client id names the service, the {@code purpose} and the group.
     */
    public KafkaProducer<byte[], byte[]> producer(final String purpose) {
        final int sendTimeoutMillis = (int) SEND_TIMEOUT.toMillis();
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, threadName + "-" + purpose + "-" + groupId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeoutMillis,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, sendTimeoutMillis,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, sendTimeoutMillis / 2,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /**
     * Sends {@code record} and waits for its acknowledgement; a {@link KafkaException} naming {@code what} when the broker
     * does not acknowledge it within {@link #SEND_TIMEOUT}. An interrupt or a wakeup propagates as it is.
     */
    public static void send(final KafkaProducer<byte[], byte[]> producer, final ProducerRecord<byte[], byte[]> record,
            final String what) {
        try {
            producer.send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (final InterruptException | WakeupException e) {
            throw e;
        } catch (final ExecutionException | TimeoutException | KafkaException e) {
            throw new KafkaException("the broker did not acknowledge " + what + " on " + record.topic() + " within "
                    + SEND_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /**
     * Stops the loop after what it has in hand: signals closing and waits up to the close timeout; then wakes its
     * consumer up and interrupts it, and waits 5 s more. Called from the loop's own thread it only signals.
     */
    @Override
    public void close() {
        closing.countDown();
        final Thread loop = thread.get();
        if (loop == null || loop == Thread.currentThread()) {
            return;
        }
        if (!join(loop, closeTimeout)) {
            log.warn("the {} loop did not stop within {} s of close; waking it up", owner, closeTimeout.toSeconds());
            Optional.ofNullable(consumer.get()).ifPresent(RetryingConsumerLoop::wakeup);
            loop.interrupt();
            if (!join(loop, WOKEN_UP_TIMEOUT)) {
                log.error("the {} loop did not stop within {} s of being woken up", owner, WOKEN_UP_TIMEOUT.toSeconds());
            }
        }
    }

    /**
     * Runs the loop until it ends or the service closes. A loop that fails (an error it did not expect: a client or a
     * node answering in a way it does not handle) is logged and started again after a backoff (1 s, doubling up to
     * {@link #LONGEST_RESTART_BACKOFF}), never left dead: it starts over from its committed offsets, as after a restart
     * of the process; the health flag is false meanwhile.
     */
    private void run(final Runnable loop) {
        Duration backoff = FIRST_RESTART_BACKOFF;
        try {
            while (true) {
                final long started = System.nanoTime();
                try {
                    loop.run();
                    return;
                } catch (final WakeupException | InterruptException e) {
                    log.warn("{} loop stopped by force; what it had in hand is uncommitted and will be redelivered", owner);
                    return;
                } catch (final RuntimeException e) {
                    if (isClosing()) {
                        log.error("{} of group {} failed on {} while closing", owner, groupId, topic, e);
                        return;
                    }
                    running = false;
                    restarts.incrementAndGet();
                    if (System.nanoTime() - started > LONGEST_RESTART_BACKOFF.multipliedBy(2).toNanos()) {
                        backoff = FIRST_RESTART_BACKOFF; // it ran well for a while: a new failure, not the same one again
                    }
                    log.error("{} of group {} failed on {}; starting it again in {} ms", owner, groupId, topic,
                            backoff.toMillis(), e);
                    awaitClosing(backoff);
                    if (isClosing()) {
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(LONGEST_RESTART_BACKOFF) > 0 ? LONGEST_RESTART_BACKOFF
                            : backoff.multipliedBy(2);
                    running = true;
                    log.info("{} of group {} starting again (restart {})", owner, groupId, restarts.get());
                }
            }
        } finally {
            running = false;
            log.info("{} of group {} stopped", owner, groupId);
        }
    }

    /** How often the loop failed and was started again. */
    public long restarts() {
        return restarts.get();
    }

    private static boolean join(final Thread loop, final Duration timeout) {
        try {
            loop.join(timeout);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !loop.isAlive();
    }
}
