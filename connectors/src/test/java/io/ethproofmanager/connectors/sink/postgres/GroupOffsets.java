package io.ethproofmanager.connectors.sink.postgres;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads and rewinds a consumer group's committed offset on partition 0 of a test topic. */
final class GroupOffsets implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 15;

    private final Admin admin;
    private final TopicPartition partition;
    private final String groupId;

    GroupOffsets(final String bootstrapServers, final String topic, final String groupId) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.partition = new TopicPartition(topic, 0);
        this.groupId = groupId;
    }

    Optional<Long> committed() throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return Optional.ofNullable(offsets.get(partition)).map(OffsetAndMetadata::offset);
    }

    long end() throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).offset();
    }

    /** Moves the (empty) group back to the start of the topic, so that its next consumer gets everything again. */
    void rewindToStart() throws Exception {
        admin.alterConsumerGroupOffsets(groupId, Map.of(partition, new OffsetAndMetadata(0)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        admin.close();
    }
}
