package io.ethproofmanager.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StallEvidenceTest {

    @TempDir
    Path dir;

    @Test
    void namesTheOpenTransactionAndDumpsTheThreads() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("stall-test", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "left-open-by-a-dead-manager"),
                    new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("stall-test", "k", "v")).get();

                final Path sleeper = dir.resolve("StalledManager.java");
                Files.writeString(sleeper, "public class StalledManager { public static void main(String[] a) throws Exception {"
                        + " Thread.sleep(120_000); } }");
                final Process manager = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        sleeper.toString()).start();
                try {
                    Thread.sleep(3_000); // started, attachable
                    final Path file = StallEvidence.capture(dir.resolve("evidence.txt"), Optional.of(broker.bootstrapServers()),
                            Optional.of(manager.pid()));

                    final String evidence = Files.readString(file);
                    assertThat(evidence).contains("transactions not complete: 1").contains("left-open-by-a-dead-manager")
                            .contains("state=Ongoing").contains("stall-test-0");
                    assertThat(evidence).contains("threads of manager pid " + manager.pid()).contains("StalledManager.main");
                } finally {
                    manager.destroyForcibly();
                }
            }
        }
    }
}
