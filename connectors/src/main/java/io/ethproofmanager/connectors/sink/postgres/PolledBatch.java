package io.ethproofmanager.connectors.sink.postgres;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/** One poll's records decoded: the status records to write and the malformed ones to skip. */
record PolledBatch(List<BatchStatusRecord> records, List<Malformed> malformed) {

    /** A record that does not decode, and why. */
    record Malformed(String topic, int partition, long offset, String reason) {
    }

    static PolledBatch decode(final ConsumerRecords<byte[], byte[]> polled, final Topic<BatchId, BatchStatusRecord> topic) {
        final List<BatchStatusRecord> records = new ArrayList<>(polled.count());
        final List<Malformed> malformed = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : polled) {
            try {
                records.add(decode(record, topic));
            } catch (final MalformedRecordException e) {
                malformed.add(new Malformed(record.topic(), record.partition(), record.offset(), e.getMessage()));
            } catch (final RuntimeException e) {
                malformed.add(new Malformed(record.topic(), record.partition(), record.offset(), "cannot decode: " + e));
            }
        }
        return new PolledBatch(List.copyOf(records), List.copyOf(malformed));
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
