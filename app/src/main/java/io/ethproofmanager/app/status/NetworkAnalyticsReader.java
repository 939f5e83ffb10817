package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every network's latest analytics, read from the compacted {@code epm.network-analytics.v1} topic, all its partitions,
 * from the beginning and then as they come: the same complete view on every instance, whichever instance's reward
 * analytics computes which network (the local Streams store holds only the networks of the partitions it hosts). No
 * consumer group: the topic is read whole at each start, one record per network once compacted. A malformed record is
 * logged and skipped.
 */
public final class NetworkAnalyticsReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkAnalyticsReader.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<ProvingNetwork, NetworkAnalytics> latest = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closing;

    private final String topic;

    private NetworkAnalyticsReader(final KafkaConsumer<byte[], byte[]> consumer, final String topic) {
        this.consumer = consumer;
        this.topic = topic;
        this.thread = new Thread(this::run, "epm-network-analytics-reader");
        this.thread.setDaemon(true);
    }

    /** Starts reading {@link Topics#NETWORK_ANALYTICS} on {@code bootstrapServers}. */
    public static NetworkAnalyticsReader start(final String bootstrapServers) {
        return start(bootstrapServers, Topics.NETWORK_ANALYTICS.name());
    }

    /** Starts reading the network analytics topic {@code topic} (the deployment's) on {@code bootstrapServers}. */
    public static NetworkAnalyticsReader start(final String bootstrapServers, final String topic) {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "epm-network-analytics-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        final NetworkAnalyticsReader reader = new NetworkAnalyticsReader(consumer, topic);
        reader.thread.start();
        return reader;
    }

    /** The latest analytics of every network seen, in network order. */
    public Map<ProvingNetwork, NetworkAnalytics> current() {
        final Map<ProvingNetwork, NetworkAnalytics> copy = new EnumMap<>(ProvingNetwork.class);
        copy.putAll(latest);
        return Collections.unmodifiableMap(copy);
    }

    private void run() {
        try {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closing) {
                consumer.poll(POLL_TIMEOUT).forEach(this::apply);
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            if (!closing) {
                LOG.error("reading {} failed; /api/networks keeps what was read", topic, e);
            }
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    private void apply(final ConsumerRecord<byte[], byte[]> record) {
        try {
            final ProvingNetwork network = Topics.NETWORK_ANALYTICS.keySerde().decode(record.key());
            if (record.value() == null) {
                latest.remove(network);
            } else {
                latest.put(network, Topics.NETWORK_ANALYTICS.valueSerde().decode(record.value()));
            }
        } catch (final MalformedRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.warn("skipping malformed network analytics record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the network analytics reader did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
