package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system's topics on a real broker: created when missing, and refused, named, when they exist with another count. */
class TopicProvisionerTest {

    @TempDir
    Path dir;

    @Test
    void missingTopicsAreCreatedAndExistingOnesWithAnotherPartitionCountFailTheStartNamed() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.READINESS.name(), 2, (short) 1))).all().get();

            assertThatThrownBy(() -> TopicProvisioner.ensureTopics(kafka.bootstrapServers(), 1, (short) 1))
                    .hasMessageContaining("epm.kafka.partitions (EPM_KAFKA_PARTITIONS) = 1")
                    .hasMessageContaining(Topics.READINESS.name() + " has 2");
            assertThat(admin.listTopics().names().get()).as("nothing created by a refused start").containsOnly(Topics.READINESS.name());

            TopicProvisioner.ensureTopics(kafka.bootstrapServers(), 2, (short) 1);

            final List<String> all = Topics.all().stream().map(Topic::name).toList();
            assertThat(admin.describeTopics(all).allTopicNames().get().values())
                    .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(2));
            TopicProvisioner.ensureTopics(kafka.bootstrapServers(), 2, (short) 1); // again: nothing to do
        }
    }

    @Test
    void instancesStartingTogetherRaceToCreateTheTopicsAndAllStart() throws Exception {
        final TopicNames names = new TopicNames("race");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            final ExecutorService instances = Executors.newFixedThreadPool(4);
            try {
                final CountDownLatch together = new CountDownLatch(1);
                final List<Future<?>> starts = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    starts.add(instances.submit(() -> {
                        together.await();
                        TopicProvisioner.ensureTopics(kafka.bootstrapServers(), names, 1, (short) 1);
                        return null;
                    }));
                }
                together.countDown();
                for (final Future<?> start : starts) {
                    start.get(90, TimeUnit.SECONDS);
                }
            } finally {
                instances.shutdownNow();
            }
            assertThat(admin.listTopics().names().get()).containsAll(names.all().stream().map(Topic::name).toList());
        }
    }
}
