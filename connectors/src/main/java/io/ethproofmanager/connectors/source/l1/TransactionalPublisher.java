package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ingester's Kafka side: one transaction per step holding the step's events, retractions, chain-time ticks and new
 * checkpoint, and the
 * read of the last committed checkpoint at start. Creating it fences any older instance with the same transactional id.
 */
final class TransactionalPublisher implements AutoCloseable {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final L1IngesterSettings settings;
    private final byte[] checkpointKey;
    private KafkaProducer<byte[], byte[]> producer;

    TransactionalPublisher(final L1IngesterSettings settings) {
        this.settings = settings;
        this.checkpointKey = settings.checkpointKey().getBytes(StandardCharsets.UTF_8);
        ensureCheckpointTopic();
        this.producer = transactionalProducer(settings);
    }

    /**
     * Replaces the producer after a failed commit: the new one's {@code initTransactions} completes or aborts the old one's
     * open transaction, so a checkpoint read afterwards is the final word.
     */
    void restart() {
        producer.close(Duration.ZERO);
        producer = transactionalProducer(settings);
    }

    /** The last committed checkpoint of this deployment, read to the end of the topic with {@code read_committed}. */
    Optional<L1Checkpoint> lastCommittedCheckpoint() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(settings), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(settings.checkpointTopic(), KAFKA_TIMEOUT).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            Optional<L1Checkpoint> last = Optional.empty();
            final long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("checkpoint topic " + settings.checkpointTopic() + " not read to its end offsets "
                            + ends + " within " + KAFKA_TIMEOUT);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (Arrays.equals(record.key(), checkpointKey)) {
                        last = Optional.ofNullable(record.value()).map(value -> RecordJson.fromBytes(value, L1Checkpoint.class));
                    }
                }
            }
            return last;
        }
    }

    /** The partition count of the events topic (from the producer's metadata), which each step's ticks cover. */
    int eventPartitions() {
        return producer.partitionsFor(settings.topics().of(Topics.L1_EVENTS).name()).size();
    }

    /** Publishes {@code events} (retractions included, in order) and {@code checkpoint} atomically; throws when not committed. */
    void commit(final List<Outgoing> events, final L1Checkpoint checkpoint) {
        producer.beginTransaction();
        try {
            for (final Outgoing event : events) {
                producer.send(event.record());
            }
            producer.send(new ProducerRecord<>(settings.checkpointTopic(), checkpointKey, RecordJson.toBytes(checkpoint)));
            producer.commitTransaction();
        } catch (final RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(KAFKA_TIMEOUT);
    }

    private void abortQuietly(final RuntimeException failure) {
        try {
            producer.abortTransaction();
        } catch (final RuntimeException abortFailure) {
            failure.addSuppressed(abortFailure);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(final L1IngesterSettings settings) {
        final KafkaProducer<byte[], byte[]> created =
                new KafkaProducer<>(producerConfig(settings), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
            return created;
        } catch (final RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    private static boolean reachedEnd(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey(), KAFKA_TIMEOUT) >= end.getValue());
    }

    private void ensureCheckpointTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            final NewTopic topic = new NewTopic(settings.checkpointTopic(), Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create checkpoint topic " + settings.checkpointTopic() + " on "
                        + settings.bootstrapServers() + ": " + e.getCause(), e.getCause());
            }
        } catch (final TimeoutException e) {
            throw new IllegalStateException("checkpoint topic " + settings.checkpointTopic() + " not created on "
                    + settings.bootstrapServers() + " within " + KAFKA_TIMEOUT, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating checkpoint topic " + settings.checkpointTopic(), e);
        }
    }

    private static Map<String, Object> producerConfig(final L1IngesterSettings settings) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId());
        // a step's records are flushed by its commit, whatever the linger: batches fill up during a back-fill and a
        // step at the head waits no longer
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.putAll(settings.producerOverrides());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private static Map<String, Object> consumerConfig(final L1IngesterSettings settings) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-checkpoint-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    /** One record of a step, already serialized with its topic's serdes. */
    record Outgoing(ProducerRecord<byte[], byte[]> record) {

        static Outgoing of(final L1Event event, final TopicNames topics) {
            return new Outgoing(new ProducerRecord<>(topics.of(Topics.L1_EVENTS).name(), Topics.L1_EVENTS.keySerde().encode(event.batchId()),
                    Topics.L1_EVENTS.valueSerde().encode(event)));
        }

        /**
         * The chain-time tick {@code time}, once to each of the {@code partitions} partitions of the events topic, without a
         * key; written after a step's events, so that every partition's reader has its events up to the tick's block first.
         */
        static List<Outgoing> ticks(final ChainTime time, final int partitions, final TopicNames topics) {
            final byte[] value = Topics.L1_EVENTS.valueSerde().encode(time);
            return IntStream.range(0, partitions)
                    .mapToObj(partition -> new Outgoing(new ProducerRecord<>(topics.of(Topics.L1_EVENTS).name(), partition, null, value)))
                    .toList();
        }

        static Outgoing of(final NetworkEvent event, final TopicNames topics) {
            return new Outgoing(new ProducerRecord<>(topics.of(Topics.NETWORK_EVENTS).name(),
                    Topics.NETWORK_EVENTS.keySerde().encode(ContractLogDecoder.keyOf(event)), Topics.NETWORK_EVENTS.valueSerde().encode(event)));
        }
    }
}
