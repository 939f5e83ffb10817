package io.ethproofmanager.app;

import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the system's topics ({@link Topics#all()}) that do not exist yet; those whose {@link Topic#compacted()} says so
 * (the batch-status and network-analytics topics) with {@code cleanup.policy=compact}. The L1 ingester creates its own
 * compacted checkpoint topic. Topics that exist must have the configured number of partitions: every topic is keyed by
 * batch and joined by the topology partition by partition, so a topic with another count fails the start, named, rather
 * than being used silently. Instances that start together may race to create them: a topic another one created first is
 * checked like an existing one.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 60;

    private TopicProvisioner() {
    }

    /** Ensures the topics of {@link Topics} ({@link TopicNames#DEFAULT}). */
    public static void ensureTopics(final String bootstrapServers, final int partitions, final short replicationFactor) {
        ensureTopics(bootstrapServers, TopicNames.DEFAULT, partitions, replicationFactor);
    }

    /** Ensures the deployment's topics {@code names}: creates the missing ones, checks the partitions of the others. */
    public static void ensureTopics(final String bootstrapServers, final TopicNames names, final int partitions,
            final short replicationFactor) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            requirePartitions(admin, names, existing, partitions);
            final List<NewTopic> missing = names.all().stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> newTopic(topic, partitions, replicationFactor))
                    .toList();
            if (!missing.isEmpty()) {
                final Set<String> createdElsewhere = create(admin, missing);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).filter(name -> !createdElsewhere.contains(name)).toList());
                // another instance starting at the same time created these first: they must have the count too
                requirePartitions(admin, names, createdElsewhere, partitions);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics on " + bootstrapServers, e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics on " + bootstrapServers + " within "
                    + TIMEOUT_SECONDS + " s: " + e.getMessage(), e);
        }
    }

    /** Creates {@code missing}; returns those another client created meanwhile (the broker says they exist). */
    private static Set<String> create(final Admin admin, final List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Set<String> createdElsewhere = new HashSet<>();
        for (final Map.Entry<String, KafkaFuture<Void>> topic : admin.createTopics(missing).values().entrySet()) {
            try {
                topic.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                createdElsewhere.add(topic.getKey());
            }
        }
        return createdElsewhere;
    }

    private static void requirePartitions(final Admin admin, final TopicNames names, final Set<String> existing,
            final int partitions) throws InterruptedException, ExecutionException, TimeoutException {
        final List<String> ours = names.all().stream().map(Topic::name).filter(existing::contains).toList();
        if (ours.isEmpty()) {
            return;
        }
        final Map<String, TopicDescription> described = admin.describeTopics(ours).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final List<String> wrong = new ArrayList<>();
        for (final String name : ours) {
            final int actual = described.get(name).partitions().size();
            if (actual != partitions) {
                wrong.add(name + " has " + actual);
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("topics exist with another number of partitions than epm.kafka.partitions"
                    + " (EPM_KAFKA_PARTITIONS) = " + partitions + ": " + String.join(", ", wrong) + ". Every topic is keyed by"
                    + " batch and joined partition by partition: set epm.kafka.partitions to the topics' count, or recreate the"
                    + " topics (adding partitions to a keyed topic moves its keys)");
        }
    }

    private static NewTopic newTopic(final Topic<?, ?> topic, final int partitions, final short replicationFactor) {
        final NewTopic newTopic = new NewTopic(topic.name(), partitions, replicationFactor);
        if (topic.compacted()) {
            newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return newTopic;
    }
}
