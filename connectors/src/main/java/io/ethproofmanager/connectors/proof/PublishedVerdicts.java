package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proofs that already have a verdict, identified by batch and proof transaction: read from the verdicts topic at
 * start, then kept in memory, so that an event redelivered after a restart (published, not yet committed) gets no second
 * verdict.
 */
final class PublishedVerdicts {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedVerdicts.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Set<Key> keys;

    /** A proof: the batch and the transaction that submitted it. */
    record Key(BatchId batch, String proofTransactionHash) {

        Key {
            Objects.requireNonNull(batch, "batch");
            Objects.requireNonNull(proofTransactionHash, "proofTransactionHash");
            proofTransactionHash = proofTransactionHash.toLowerCase(Locale.ROOT);
        }

        static Key of(final L1Event.ProofRequestProven proven) {
            return new Key(proven.batchId(), proven.log().transactionHash());
        }
    }

    private PublishedVerdicts(final Set<Key> keys) {
        this.keys = keys;
    }

    /** Reads {@code topic} from its beginning to its end offsets as they are now. */
    static PublishedVerdicts read(final String bootstrapServers, final String topic) {
        final Set<Key> found = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, ProofHandler.THREAD_NAME + "-verdicts-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
            final long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("verdicts topic " + topic + " not read to its end offsets " + ends
                            + " within " + READ_TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(POLL).forEach(record -> keyOf(record).ifPresent(found::add));
            }
        }
        LOG.info("{} proof verdict(s) already on {}", found.size(), topic);
        return new PublishedVerdicts(found);
    }

    boolean contains(final Key key) {
        return keys.contains(key);
    }

    void add(final Key key) {
        keys.add(key);
    }

    private static Optional<Key> keyOf(final ConsumerRecord<byte[], byte[]> record) {
        try {
            final ProofVerdict verdict = Topics.PROOF_VERDICTS.valueSerde().decode(record.value());
            return Optional.ofNullable(verdict.proofTransactionHash())
                    .map(hash -> new Key(verdict.batchId(), hash));
        } catch (final MalformedRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.warn("ignoring malformed verdict {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean reachedEnd(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey(), READ_TIMEOUT) >= end.getValue());
    }
}
