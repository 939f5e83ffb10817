package io.ethproofmanager.connectors.source.readiness;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the readiness topic from its beginning to its current end, for assertions. */
final class ReadinessTopic {

    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private ReadinessTopic() {
    }

    /** Every readiness event of {@code chainId} now on the topic, in offset order. */
    static List<ReadinessEvent> events(final String bootstrapServers, final long chainId) {
        final TopicPartition partition = new TopicPartition(Topics.READINESS.name(), 0);
        try (KafkaConsumer<BatchId, ReadinessEvent> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                Topics.READINESS.keySerde().deserializer(), Topics.READINESS.valueSerde().deserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            final long end = consumer.endOffsets(Set.of(partition), READ_LIMIT).get(partition);
            final long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            final List<ReadinessEvent> events = new ArrayList<>();
            while (consumer.position(partition, READ_LIMIT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read " + events.size() + " readiness events but not up to offset " + end + " within " + READ_LIMIT);
                }
                for (final ConsumerRecord<BatchId, ReadinessEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().chainId() == chainId) {
                        events.add(record.value());
                    }
                }
            }
            return events;
        }
    }
}
