package io.ethproofmanager.connectors.sink.l1;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * The L1 sender group's partition assignor: every partition of a lane ({@code partition mod lanes}) goes to one member,
 * so that Kafka decides one owner per lane (per submitter account); lanes are dealt round-robin to the members in the
 * order of their worker index within their instance, then their static instance id (else member id), so that lanes
 * spread over the instances before they double up on one. Its settings, {@link #LANES_CONFIG} and
 * {@link #WORKER_CONFIG}, come with the consumer's configuration; every member of the group must be configured with the
 * same number of lanes.
 */
public final class LaneAssignor implements ConsumerPartitionAssignor, Configurable {

    /** The consumer setting carrying the number of lanes. */
    public static final String LANES_CONFIG = "epm.l1.lanes";
    /** The consumer setting carrying the member's worker index within its instance (0, 1, ...). */
    public static final String WORKER_CONFIG = "epm.l1.lane-worker";
    static final String NAME = "epm-l1-lanes";

    private int lanes;
    private int worker;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object value = Objects.requireNonNull(configs.get(LANES_CONFIG), "the consumer setting " + LANES_CONFIG);
        lanes = Integer.parseInt(value.toString());
        if (lanes < 1) {
            throw new IllegalArgumentException(LANES_CONFIG + " must be positive, was " + lanes);
        }
        worker = Integer.parseInt(Objects.requireNonNull(configs.get(WORKER_CONFIG), "the consumer setting " + WORKER_CONFIG)
                .toString());
    }

    @Override
    public ByteBuffer subscriptionUserData(final Set<String> topics) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(0, worker);
    }

    private static int workerOf(final Subscription subscription) {
        final ByteBuffer data = subscription.userData();
        return data == null || data.remaining() < Integer.BYTES ? 0 : data.getInt(data.position());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupAssignment assign(final Cluster metadata, final GroupSubscription group) {
        final Map<String, Subscription> subscriptions = group.groupSubscription();
        final List<String> members = new ArrayList<>(subscriptions.keySet());
        members.sort(Comparator.comparingInt((String member) -> workerOf(subscriptions.get(member)))
                .thenComparing(member -> subscriptions.get(member).groupInstanceId().orElse(member))
                .thenComparing(member -> member));
        final Map<String, List<TopicPartition>> assigned = new HashMap<>();
        members.forEach(member -> assigned.put(member, new ArrayList<>()));
        final TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(subscription -> topics.addAll(subscription.topics()));
        for (final String topic : topics) {
            final List<String> subscribers = members.stream().filter(m -> subscriptions.get(m).topics().contains(topic)).toList();
            final Integer partitions = metadata.partitionCountForTopic(topic);
            if (subscribers.isEmpty() || partitions == null) {
                continue;
            }
            for (int partition = 0; partition < partitions; partition++) {
                final int lane = Lane.ofPartition(partition, lanes);
                assigned.get(subscribers.get(lane % subscribers.size())).add(new TopicPartition(topic, partition));
            }
        }
        final Map<String, Assignment> assignments = new HashMap<>();
        assigned.forEach((member, partitions) -> assignments.put(member, new Assignment(partitions)));
        return new GroupAssignment(assignments);
    }
}
