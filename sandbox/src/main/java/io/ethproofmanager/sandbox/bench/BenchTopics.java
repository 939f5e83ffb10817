package io.ethproofmanager.sandbox.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topic chores of the benchmarks: fresh topics, bulk produce, and waiting for a number of records. */
final class BenchTopics {

    private final String bootstrapServers;

    BenchTopics(final String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Deletes (when present) and creates the topics, one partition each, their records stamped with the broker's append
     * time: an app's output records then say when it wrote them, whenever a reader sees them.
     */
    void recreate(final Collection<String> names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<String> present = names.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
                waitUntilGone(admin, present);
            }
            admin.createTopics(names.stream().map(n -> new NewTopic(n, 1, (short) 1)
                    .configs(Map.of(org.apache.kafka.common.config.TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))).toList()).all().get(30, TimeUnit.SECONDS);
            waitForLeaders(admin, names);
        } catch (final Exception e) {
            throw new IllegalStateException("cannot recreate bench topics " + names, e);
        }
    }

    private static void waitUntilGone(final Admin admin, final List<String> names) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            final Set<String> now = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.stream().noneMatch(now::contains)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics " + names + " still listed 30 s after deletion");
    }

    /** Waits until every partition of {@code names} has a leader: a producer right after creation gets errors otherwise. */
    private static void waitForLeaders(final Admin admin, final Collection<String> names) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                final boolean led = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .flatMap(topic -> topic.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (final java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " have no leader 30 s after creation");
            }
            Thread.sleep(50);
        }
    }

    /** Produces {@code count} records made by {@code record} and waits for every ack. */
    void produce(final String topic, final int count, final Function<Integer, byte[][]> record) {
        final Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // one request in flight: a partition that is not ready yet right after its creation refuses the first
                // request, and with more in flight the broker took later ones first and then refused that one for good
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final byte[][] keyValue = record.apply(i);
                sent.add(producer.send(new ProducerRecord<>(topic, keyValue[0], keyValue[1])));
            }
            producer.flush();
            for (final java.util.concurrent.Future<?> ack : sent) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (final Exception e) {
            throw new IllegalStateException("cannot produce " + count + " bench records to " + topic, e);
        }
    }

    /**
     * Reads the committed records of {@code outputs} from their start until the first topic holds {@code thresholds}'
     * last and every other topic as many (they are written in the same transactions); answers the append time (epoch
     * milliseconds) of the first topic's record number {@code threshold} (from 1) for each threshold.
     */
    Arrivals awaitRecords(final List<String> outputs, final List<Long> thresholds, final Duration timeout) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final long deadline = System.nanoTime() + timeout.toNanos();
        final long[] at = new long[thresholds.size()];
        final Map<String, Long> seen = new java.util.HashMap<>();
        outputs.forEach(topic -> seen.put(topic, 0L));
        final String first = outputs.getFirst();
        final long last = thresholds.getLast();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(new ArrayList<>(outputs));
            int next = 0;
            while (seen.values().stream().anyMatch(n -> n < last)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " records after " + timeout.toSeconds() + " s; expected " + last + " each");
                }
                for (final var record : consumer.poll(Duration.ofMillis(50))) {
                    final long count = seen.merge(record.topic(), 1L, Long::sum);
                    if (record.topic().equals(first) && next < at.length && count == thresholds.get(next)) {
                        at[next++] = record.timestamp();
                    }
                }
            }
        }
        return new Arrivals(at);
    }

    /** The append times (epoch milliseconds) of the first output topic's records at each threshold. */
    record Arrivals(long[] times) {

        long at(final int threshold) {
            return times[threshold];
        }
    }
}
