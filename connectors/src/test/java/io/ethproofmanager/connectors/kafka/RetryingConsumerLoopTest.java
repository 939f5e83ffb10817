package io.ethproofmanager.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The loop against the real in-JVM broker: commits after the handler, rewinds and backs off when it fails. */
class RetryingConsumerLoopTest {

    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 5;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private String bootstrapServers;
    private String topic;
    private String groupId;

    @BeforeEach
    void freshTopic() throws Exception {
        bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        topic = "retrying-consumer-loop-" + System.nanoTime();
        groupId = topic + "-group";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(60)
    void handlesEveryRecordOnceAndCommitsPastThem() throws Exception {
        final List<String> produced = produce();
        final Recorder handler = new Recorder(polled -> { });

        try (RetryingConsumerLoop<String, String> loop = loop(500, () -> false)) {
            pollUntil(loop, handler, () -> handler.effects.size() >= produced.size());
        }

        assertThat(handler.effects).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(handler.failures).isEmpty();
        assertThat(handler.committed).isNotEmpty();
        assertThat(committedOffsets()).isEqualTo(allAt(RECORDS_PER_PARTITION));
    }

    @Test
    @Timeout(60)
    void aHandlerThatFailsTwiceThenSucceedsSkipsNothingAndTakesEachRecordOnce() throws Exception {
        final List<String> produced = produce();
        final AtomicBoolean failedOnce = new AtomicBoolean();
        final AtomicInteger failuresLeft = new AtomicInteger(2);
        // fails the polls that hold the middle record of partition 1 until it has failed twice, then lets them through
        final Recorder handler = new Recorder(polled -> {
            final boolean holdsTarget = values(polled).contains(value(1, 2));
            if (holdsTarget && failuresLeft.getAndDecrement() > 0) {
                failedOnce.set(true);
                throw new IllegalStateException("downstream refused");
            }
        });

        final long started = System.nanoTime();
        try (RetryingConsumerLoop<String, String> loop = loop(3, () -> false)) {
            pollUntil(loop, handler, () -> handler.effects.size() >= produced.size());
            // nothing more comes: no record was put back twice
            for (int i = 0; i < 5; i++) {
                loop.pollOnce(handler);
            }
        }

        assertThat(failedOnce).isTrue();
        assertThat(handler.failures).containsExactly(1, 2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("both backoffs waited out")
                .isGreaterThanOrEqualTo(Recorder.BACKOFF.multipliedBy(3));
        assertThat(handler.effects).as("each record's effect once, none skipped").hasSize(produced.size())
                .containsExactlyInAnyOrderElementsOf(produced);
        for (int partition = 0; partition < PARTITIONS; partition++) {
            final int p = partition;
            assertThat(handler.effects.stream().filter(v -> v.startsWith("p" + p + "-")).toList()).as("partition order")
                    .containsExactlyElementsOf(IntStream.range(0, RECORDS_PER_PARTITION).mapToObj(i -> value(p, i)).toList());
        }
        assertThat(committedOffsets()).isEqualTo(allAt(RECORDS_PER_PARTITION));
    }

    @Test
    @Timeout(60)
    void aFailedPollIsNotCommittedAndComesBackToTheGroupsNextConsumer() throws Exception {
        final List<String> produced = produce();
        final Recorder alwaysFailing = new Recorder(polled -> {
            throw new IllegalStateException("down for good");
        });
        try (RetryingConsumerLoop<String, String> loop = loop(500, () -> false)) {
            pollUntil(loop, alwaysFailing, () -> alwaysFailing.failures.size() >= 2);
        }
        assertThat(alwaysFailing.effects).isEmpty();
        assertThat(committedOffsets()).isEmpty();

        final Recorder next = new Recorder(polled -> { });
        try (RetryingConsumerLoop<String, String> loop = loop(500, () -> false)) {
            pollUntil(loop, next, () -> next.effects.size() >= produced.size());
        }
        assertThat(next.effects).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(committedOffsets()).isEqualTo(allAt(RECORDS_PER_PARTITION));
    }

    @Test
    @Timeout(60)
    void closingEndsABackoffEarly() throws Exception {
        produce();
        final AtomicBoolean closing = new AtomicBoolean();
        final Recorder handler = new Recorder(polled -> {
            closing.set(true);
            throw new IllegalStateException("failing as the service closes");
        }) {
            @Override
            public Duration failed(final ConsumerRecords<String, String> records, final RuntimeException failure,
                    final int consecutiveFailures) {
                super.failed(records, failure, consecutiveFailures);
                return Duration.ofMinutes(5);
            }
        };
        try (RetryingConsumerLoop<String, String> loop = loop(500, closing::get)) {
            pollUntil(loop, handler, () -> !handler.failures.isEmpty());
        }
        assertThat(handler.failures).containsExactly(1);
        assertThat(committedOffsets()).isEmpty();
    }

    /** Applies a poll's records (its "effects") only when the check lets the poll through; notes failures and commits. */
    private static class Recorder implements RetryingConsumerLoop.Handler<String, String> {

        static final Duration BACKOFF = Duration.ofMillis(150);

        final List<String> effects = new ArrayList<>();
        final List<Integer> failures = new ArrayList<>();
        final List<Map<TopicPartition, OffsetAndMetadata>> committed = new ArrayList<>();
        private final Consumer<ConsumerRecords<String, String>> check;

        Recorder(final Consumer<ConsumerRecords<String, String>> check) {
            this.check = check;
        }

        @Override
        public void handle(final ConsumerRecords<String, String> records) {
            check.accept(records);
            effects.addAll(values(records));
        }

        @Override
        public Duration failed(final ConsumerRecords<String, String> records, final RuntimeException failure,
                final int consecutiveFailures) {
            failures.add(consecutiveFailures);
            return BACKOFF.multipliedBy(consecutiveFailures);
        }

        @Override
        public void committed(final Map<TopicPartition, OffsetAndMetadata> offsets) {
            committed.add(offsets);
        }

        @Override
        public void commitFailed(final Map<TopicPartition, OffsetAndMetadata> offsets, final KafkaException failure) {
            throw failure;
        }
    }

    private RetryingConsumerLoop<String, String> loop(final int maxPollRecords, final BooleanSupplier closing) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true, // the loop turns it off
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new RetryingConsumerLoop<>(config, topic, POLL_TIMEOUT, closing, "test loop",
                LoggerFactory.getLogger(RetryingConsumerLoopTest.class));
    }

    private static void pollUntil(final RetryingConsumerLoop<String, String> loop, final Recorder handler,
            final BooleanSupplier done) {
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("handled in time").isLessThan(deadline);
            loop.pollOnce(handler);
        }
    }

    private List<String> produce() throws Exception {
        final List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    producer.send(new ProducerRecord<>(topic, partition, null, value(partition, i))).get(30, TimeUnit.SECONDS);
                    values.add(value(partition, i));
                }
            }
        }
        return values;
    }

    private Map<Integer, Long> committedOffsets() throws Exception {
        try (Admin admin = admin()) {
            final Map<Integer, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((partition, offset) -> offsets.put(partition.partition(), offset.offset()));
            return offsets;
        }
    }

    private static Map<Integer, Long> allAt(final long offset) {
        final Map<Integer, Long> offsets = new HashMap<>();
        IntStream.range(0, PARTITIONS).forEach(partition -> offsets.put(partition, offset));
        return offsets;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static List<String> values(final ConsumerRecords<String, String> records) {
        final List<String> values = new ArrayList<>();
        for (final ConsumerRecord<String, String> record : records) {
            values.add(record.value());
        }
        return values;
    }

    private static String value(final int partition, final int index) {
        return "p" + partition + "-" + index;
    }
}
