package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.app.status.BatchStatusQueries;
import io.ethproofmanager.app.status.StatusApi;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.sink.l1.L1SenderSettings;
import io.ethproofmanager.connectors.sink.l1.L1TransactionSender;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A sender lane held by the fee cap as an operator sees it over HTTP, on a real anvil, broker and PostgreSQL: {@code /ready}
 * stays 200 and its detail names the lane, the quoted fee, the cap and since when; {@code /api/instance} gives the hold in
 * the lane's entry; {@code /metrics} has the lane's gauges.
 */
class SenderLaneVisibilityTest {

    private static final long ROLLUP = 325;
    private static final long CAP = 1_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aLaneHeldByTheFeeCapIsReadyAndSaysSoOnReadyTheStatusApiAndMetrics() throws Exception {
        final String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        final String commands = "test.l1-commands.visibility";
        final String results = "test.l1-tx-results.visibility";
        SharedInfrastructure.createTopics(bootstrap, commands, results);
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LocalChain chain = LocalChain.start();
                Database database = SharedInfrastructure.freshDatabase("sender_lane_visibility");
                L1TransactionSender sender = new L1TransactionSender(L1SenderSettings.from(TestSettings.with(Map.of(
                        "epm.l1.rpc-url", chain.rpcUrl(),
                        "epm.l1.contract-address", chain.proofManagerAddress(),
                        "epm.l1.submitter-private-key", LocalChain.submitterPrivateKey(),
                        "epm.l1.max-fee-per-gas-cap", Long.toString(CAP),
                        "epm.l1.held-retry-backoff", "300ms")), bootstrap, "l1-sender-visibility")
                        .withTopics(commands, results), database.dataSource(), meters);
                HealthServer server = HealthServer.start(0, Map.of("l1-sender", sender::isHealthy),
                        Map.of("l1-sender", sender::readinessDetail), meters,
                        new StatusApi(new BatchStatusQueries(database.dataSource()), Map::of,
                                () -> Map.of("l1SenderLanes", sender.lanes())).routes());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            sender.start();
            final Instant before = Instant.now();
            final SubmitProofRequest command = new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, 1)),
                    ROLLUP, 1, "https://blobs.example/1", new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
            producer.send(new ProducerRecord<>(commands, Topics.L1_COMMANDS.keySerde().encode(command.batchId()),
                    Topics.L1_COMMANDS.valueSerde().encode(command))).get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> get(server, "/ready").body().contains("held by the fee cap"));
            final HttpResponse<String> ready = get(server, "/ready");
            assertThat(ready.statusCode()).as("still ready: only the lane's later commands wait").isEqualTo(200);
            final JsonNode readyBody = RecordJson.mapper().readTree(ready.body());
            assertThat(readyBody.path("l1-sender").asText()).isEqualTo("UP");
            assertThat(readyBody.path("detail").path("l1-sender").asText())
                    .contains("lane 0 (" + chain.submitter().getAddress(), command.commandId(), "quoted maxFeePerGas",
                            "above the cap of " + CAP + " wei", "held by the fee cap since");

            final JsonNode lane = RecordJson.mapper().readTree(get(server, "/api/instance").body()).path("l1SenderLanes").path(0);
            assertThat(lane.path("heldHere").asBoolean()).isTrue();
            assertThat(lane.path("heldByFeeCap").asLong()).isEqualTo(1);
            assertThat(lane.path("inFlight").asLong()).isZero();
            assertThat(lane.path("oldestPendingSeconds").isNull()).as("nothing broadcast").isTrue();
            final JsonNode hold = lane.path("feeHold");
            assertThat(hold.path("commandId").asText()).isEqualTo(command.commandId());
            assertThat(hold.path("capMaxFeePerGas").asLong()).isEqualTo(CAP);
            assertThat(hold.path("quotedMaxFeePerGas").asLong()).isGreaterThan(CAP);
            assertThat(Instant.parse(hold.path("since").asText())).isAfterOrEqualTo(before.minusSeconds(1))
                    .isBeforeOrEqualTo(Instant.now());

            final String metrics = get(server, "/metrics").body();
            assertThat(metrics).contains("epm_l1_sender_lane_fee_held{lane=\"0\"} 1.0", "epm_l1_sender_held_fee_cap 1.0",
                    "epm_l1_sender_fee_cap_per_gas_wei " + (double) CAP,
                    "epm_l1_sender_lane_held_fee_per_gas_wei{lane=\"0\"} " + hold.path("quotedMaxFeePerGas").asDouble(),
                    "epm_l1_sender_lane_oldest_pending_seconds{lane=\"0\"} 0.0", "epm_l1_sender_lane_in_flight{lane=\"0\"} 0.0");
        }
    }

    private static HttpResponse<String> get(final HealthServer server, final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
