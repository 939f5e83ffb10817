package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what the ingesters committed to the event topics (read_committed, from the beginning), decoded with the topics' serdes. */
final class PublishedEvents implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Published<BatchId, L1Event>> l1Events = new ArrayList<>();
    private final List<Published<ProvingNetwork, NetworkEvent>> networkEvents = new ArrayList<>();
    private final List<Published<BatchId, ChainTime>> ticks = new ArrayList<>();

    PublishedEvents(final String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = List.of(new TopicPartition(Topics.L1_EVENTS.name(), 0),
                new TopicPartition(Topics.NETWORK_EVENTS.name(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Batch events (and retractions) of rollup chain {@code chainId} committed so far, in topic order. */
    synchronized List<Published<BatchId, L1Event>> l1Events(final long chainId) {
        pollAvailable();
        return l1Events.stream().filter(p -> p.value().chainId() == chainId).toList();
    }

    /** Chain-time ticks of {@code contract} committed so far on partition 0 of the events topic, in topic order. */
    synchronized List<Published<BatchId, ChainTime>> ticks(final String contract) {
        pollAvailable();
        return ticks.stream().filter(p -> p.value().contractAddress().equalsIgnoreCase(contract)).toList();
    }

    /** Network events committed so far from one of {@code transactionHashes}, in topic order. */
    synchronized List<Published<ProvingNetwork, NetworkEvent>> networkEvents(final Set<String> transactionHashes) {
        pollAvailable();
        return networkEvents.stream().filter(p -> transactionHashes.contains(p.value().log().transactionHash())).toList();
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private void pollAvailable() {
        ConsumerRecords<byte[], byte[]> records;
        do {
            records = consumer.poll(Duration.ofMillis(200));
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                add(record);
            }
        } while (!records.isEmpty());
    }

    private void add(final ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(Topics.L1_EVENTS.name())) {
            final BatchId key = record.key() == null ? null : Topics.L1_EVENTS.keySerde().decode(record.key());
            final List<String> violations = Topics.L1_EVENTS.valueSerde().schema().violations(RecordJson.readTree(record.value()));
            switch (Topics.L1_EVENTS.valueSerde().decode(record.value())) {
                case L1Event event -> l1Events.add(new Published<>(key, event, violations));
                case ChainTime tick -> ticks.add(new Published<>(key, tick, violations));
            }
        } else {
            networkEvents.add(new Published<>(Topics.NETWORK_EVENTS.keySerde().decode(record.key()),
                    Topics.NETWORK_EVENTS.valueSerde().decode(record.value()),
                    Topics.NETWORK_EVENTS.valueSerde().schema().violations(RecordJson.readTree(record.value()))));
        }
    }

    /** One committed record: key, value and the value's violations of its JSON schema. */
    record Published<K, V>(K key, V value, List<String> schemaViolations) {
    }
}
