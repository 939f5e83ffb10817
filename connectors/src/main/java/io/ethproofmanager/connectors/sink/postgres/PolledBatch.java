package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** One poll's records decoded: the status records to write, the malformed ones to skip, and where it began and ends. */
record PolledBatch(
        List<BatchStatusRecord> records,
        List<Malformed> malformed,
        Map<TopicPartition, Long> firstOffsets,
        Map<TopicPartition, OffsetAndMetadata> nextOffsets) {

    /** A record that does not decode, and why. */
    record Malformed(String topic, int partition, long offset, String reason) {
    }

    static PolledBatch decode(final ConsumerRecords<byte[], byte[]> polled, final Topic<BatchId, BatchStatusRecord> topic) {
        final List<BatchStatusRecord> records = new ArrayList<>(polled.count());
        final List<Malformed> malformed = new ArrayList<>();
        final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : polled) {
            final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            firstOffsets.putIfAbsent(partition, record.offset());
            nextOffsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
            try {
                records.add(decode(record, topic));
            } catch (final MalformedRecordException e) {
                malformed.add(new Malformed(record.topic(), record.partition(), record.offset(), e.getMessage()));
            } catch (final RuntimeException e) {
                malformed.add(new Malformed(record.topic(), record.partition(), record.offset(), "cannot decode: " + e));
            }
        }
        return new PolledBatch(List.copyOf(records), List.copyOf(malformed), Map.copyOf(firstOffsets), Map.copyOf(nextOffsets));
    }

    /** The first offset of each partition in {@code polled}. */
    static Map<TopicPartition, Long> firstOffsets(final ConsumerRecords<byte[], byte[]> polled) {
        final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        for (final TopicPartition partition : polled.partitions()) {
            firstOffsets.put(partition, polled.records(partition).get(0).offset());
        }
        return firstOffsets;
    }

    /** Decodes key and value; a key that names another batch than the value is malformed too. */
    private static BatchStatusRecord decode(final ConsumerRecord<byte[], byte[]> record,
            final Topic<BatchId, BatchStatusRecord> topic) {
        if (record.key() == null) {
            throw new MalformedRecordException("record has no key");
        }
        final BatchId key = topic.keySerde().decode(record.key());
        final BatchStatusRecord value = topic.valueSerde().decode(record.value());
        if (!key.equals(value.batchId())) {
            throw new MalformedRecordException("key " + key + " does not match the value's batch " + value.batchId());
        }
        return value;
    }
}
