package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole manager on a real broker, a real PostgreSQL (both owned by the test, so it can restart them under the
 * running pipeline) and a real local chain: batches go from proof_generation_details to eth_proof_manager and the status
 * topic, and their proof requests to the contract, once each.
 */
class PipelineIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ProofManagerService service;

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        service = new ServiceHarness(kafka, postgres, chain, dir.resolve("data")).start();
        preferFermah();
    }

    /** Every request gets an active network (the preferred one starts as none, which the contract refuses at once). */
    private void preferFermah() {
        try {
            chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot set the preferred network", e);
        }
    }

    @AfterEach
    void stopEverything() {
        if (service != null) {
            service.close();
        }
        postgres.close();
        kafka.close();
        chain.close();
    }

    @Test
    void readyBatchesReachPostgresTheStatusTopicAndTheContractOnceEach() throws Exception {
        final List<Long> batches = seed(5);

        awaitRowsRequested(batches.size());

        assertEveryBatchWentReadyThenRequestedOnce(batches);
        assertThat(readyEndpointStatus()).isEqualTo(200);
        assertEveryMetricUsesUnderscoresAndIsListedInTheReadme();
    }

    @Test
    void anAcceptedAcknowledgementMakesTheBatchAcknowledgedAndARefusalMakesItFallBack() throws Exception {
        final List<Long> batches = seed(2);
        awaitRowsRequested(2);

        acknowledge(chain, batches.get(0), true);
        acknowledge(chain, batches.get(1), false);

        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(row(batches.get(0))).containsEntry("status", "acknowledged").containsEntry("assigned_to", "fermah");
            assertThat(row(batches.get(1))).containsEntry("status", "fallen_back").containsEntry("fallback_reason", "refused: lagrange refused the request");
        });
        final Map<BatchId, List<BatchStatusRecord>> statuses = readAll(Topics.BATCH_STATUS, 2);
        assertThat(statuses.get(new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, batches.get(0)))).extracting(BatchStatusRecord::status)
                .containsExactly(BatchStatus.READY_TO_BE_PROVEN, BatchStatus.REQUEST_SENT_TO_L1, BatchStatus.ACKNOWLEDGED);
    }

    @Test
    void aProofInTheRollupsFormatIsValidatedAndHandedBackWhereTheNodeLooksAndARefusalGoesToTheProverCluster() throws Exception {
        final List<Long> batches = seed(2);
        awaitRowsRequested(2);
        final long proven = batches.get(0);
        final long refused = batches.get(1);

        acknowledge(chain, proven, true);
        acknowledge(chain, refused, false);
        final var id = new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID), BigInteger.valueOf(proven));
        final var request = chain.proofManager(chain.submitter()).proofRequest(id).send();
        final var version = new io.ethproofmanager.schemas.ProtocolVersion(request.protocolMajor.intValueExact(),
                request.protocolMinor.intValueExact(), request.protocolPatch.intValueExact());
        final byte[] proof = io.ethproofmanager.contract.proof.L1BatchProofCodec.encode(
                io.ethproofmanager.devkit.chain.TestVerifierProofs.valid(version,
                        io.ethproofmanager.devkit.chain.TestVerifierProofs.demoPublicInput(new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, proven)), proven));
        chain.proofManager(LocalChain.networkAccount(ProvingNetwork.fromOnChainValue(request.assignedTo.intValueExact())))
                .submitProof(id, proof, BigInteger.valueOf(3_000_000)).send();

        final String key = "proofs_fri/l1_batch_proof_" + proven + "_" + version.major() + "_" + version.minor() + "_"
                + version.patch() + ".cbor";
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(row(proven)).containsEntry("status", "validation_result_sent_to_l1");
            assertThat(countRows("SELECT count(*) FROM eth_proof_manager WHERE validation_status = 'successful'"
                    + " AND l1_batch_number = " + proven)).isOne();
            assertThat(rollupRow(proven)).containsExactly("generated", key, "proving_network");
            assertThat(rollupRow(refused)).containsExactly("unpicked", null, "prover_cluster");
        });
        assertThat(service.rollupBlobs().read(key)).as("the network's bytes, unchanged").isEqualTo(proof);
    }

    /** status, proof_blob_url and proving_mode of the batch's row in the rollup's proof_generation_details. */
    private List<String> rollupRow(final long batch) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, proof_blob_url, proving_mode::text FROM proof_generation_details"
                        + " WHERE l1_batch_number = " + batch)) {
            rs.next();
            return java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3));
        }
    }

    @Test
    void aPostgresRestartLosesAndDuplicatesNoStatusChange() throws Exception {
        final List<Long> batches = new ArrayList<>(seed(10));
        awaitRowsRequested(10);

        postgres.stop();
        Thread.sleep(2_000); // the sink, the sender and the readiness checker meet a dead database for a while
        postgres.start();
        batches.addAll(seed(10));

        awaitRowsRequested(20);
        assertEveryBatchWentReadyThenRequestedOnce(batches);
        assertThat(historyRowsPerBatch()).hasSize(20).allSatisfy((batch, rows) -> assertThat(rows).isEqualTo(2));
    }

    @Test
    void aBrokerRestartLosesAndDuplicatesNoStatusChange() throws Exception {
        final List<Long> batches = new ArrayList<>(seed(10));
        awaitRowsRequested(10);

        kafka.stop();
        batches.addAll(seed(10)); // ready while the broker is down: the readiness checker must retry them
        Thread.sleep(2_000);
        kafka.start();

        awaitRowsRequested(20);
        assertEveryBatchWentReadyThenRequestedOnce(batches);
        assertThat(historyRowsPerBatch()).hasSize(20).allSatisfy((batch, rows) -> assertThat(rows).isEqualTo(2));
    }

    @Test
    void theRollupsChainIdNamesTheRequestAndTheL1sChainIdSignsItsTransaction() throws Exception {
        final long batch = seed(1).getFirst();
        awaitRowsRequested(1);
        final String txHash = stringColumn("SELECT sent_proof_request_tx_hash FROM eth_proof_manager WHERE l1_batch_number = " + batch);

        final long l1ChainId = chain.web3j().ethChainId().send().getChainId().longValueExact();
        final var transaction = chain.web3j().ethGetTransactionByHash(txHash).send().getTransaction().orElseThrow();
        final var byRollupId = chain.proofManager(chain.submitter()).proofRequest(new ProofManager.ProofRequestIdentifier(
                BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID), BigInteger.valueOf(batch))).send();
        final var byL1Id = chain.proofManager(chain.submitter()).proofRequest(new ProofManager.ProofRequestIdentifier(
                BigInteger.valueOf(l1ChainId), BigInteger.valueOf(batch))).send();

        assertThat(l1ChainId).isEqualTo(LocalChain.DEFAULT_CHAIN_ID).isNotEqualTo(ServiceHarness.ROLLUP_CHAIN_ID);
        assertThat(transaction.getChainId()).as("EIP-155 chain id the sender signed with").isEqualTo(l1ChainId);
        assertThat(byRollupId.submittedAt).as("the request is named by the rollup's chain id").isPositive();
        assertThat(byL1Id.submittedAt).as("nothing is named by the L1's chain id").isZero();
        assertThat(readAll(Topics.BATCH_STATUS, 1).keySet()).containsExactly(new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, batch));
    }

    private List<Long> seed(final int count) {
        return ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, count, new Random(count));
    }

    private void awaitRowsRequested(final int count) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> countRows("""
                        SELECT count(*) FROM eth_proof_manager
                        WHERE status = 'request_sent_to_l1' AND sent_proof_request_tx_hash IS NOT NULL""") == count);
    }

    private Map<String, String> row(final long batch) {
        return ServiceHarness.row(service.database().dataSource(), batch);
    }

    private void acknowledge(final LocalChain chain, final long batch, final boolean accept) throws Exception {
        final var id = new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID), BigInteger.valueOf(batch));
        final var request = chain.proofManager(chain.submitter()).proofRequest(id).send();
        final ProvingNetwork network = ProvingNetwork.fromOnChainValue(request.assignedTo.intValueExact());
        chain.proofManager(LocalChain.networkAccount(network)).acknowledgeProofRequest(id, accept).send();
    }

    private String stringColumn(final String sql) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long countRows(final String sql) throws SQLException {
        try (Connection c = service.database().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<Long, Integer> historyRowsPerBatch() throws SQLException {
        final Map<Long, Integer> rows = new HashMap<>();
        try (Connection c = service.database().dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT l1_batch_number, count(*) FROM eth_proof_manager_history GROUP BY 1")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private void assertEveryBatchWentReadyThenRequestedOnce(final List<Long> batches) throws Exception {
        final Map<BatchId, List<BatchStatusRecord>> statuses = readAll(Topics.BATCH_STATUS, batches.size());
        final Map<BatchId, List<L1Command>> commands = readAll(Topics.L1_COMMANDS, batches.size());

        assertThat(statuses).hasSize(batches.size());
        assertThat(statuses.values()).allSatisfy(records -> {
            assertThat(records).extracting(BatchStatusRecord::status)
                    .containsExactly(BatchStatus.READY_TO_BE_PROVEN, BatchStatus.REQUEST_SENT_TO_L1);
            assertThat(records).extracting(BatchStatusRecord::version).containsExactly(1L, 2L);
        });
        assertThat(chain.proofManager(chain.submitter()).requestCounter().send()).isEqualTo(BigInteger.valueOf(batches.size()));
        assertThat(commands).hasSize(batches.size());
        assertThat(commands.values()).allSatisfy(list -> assertThat(list).singleElement().isInstanceOf(SubmitProofRequest.class));
        assertThat(statuses.keySet()).extracting(BatchId::batchNumber).containsExactlyInAnyOrderElementsOf(batches);
    }

    /** Every committed record of a topic, read until {@code expectedKeys} keys were seen and the topic stays quiet. */
    private <V> Map<BatchId, List<V>> readAll(final Topic<BatchId, V> topic, final int expectedKeys) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "pipeline-test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<BatchId, List<V>> byBatch = new HashMap<>();
        try (KafkaConsumer<BatchId, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            final long deadline = System.nanoTime() + PATIENCE.toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline && (byBatch.size() < expectedKeys || quietPolls < 5)) {
                final var records = consumer.poll(Duration.ofMillis(200));
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                records.forEach(r -> byBatch.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            }
        }
        return byBatch;
    }

    /** The service's own meters are named with underscores, and each one it exposes is in the README's list. */
    private void assertEveryMetricUsesUnderscoresAndIsListedInTheReadme() throws Exception {
        assertThat(service.meters().getMeters()).extracting(meter -> meter.getId().getName())
                .filteredOn(name -> name.startsWith("epm") || name.startsWith("server"))
                .isNotEmpty().allSatisfy(name -> assertThat(name).doesNotContain("."));
        final java.util.Set<String> exposed = new java.util.TreeSet<>();
        for (final String line : service.meters().scrape().split("\n")) {
            final java.util.regex.Matcher name = java.util.regex.Pattern
                    .compile("^((?:epm|server_eth_proof_manager)_[a-z0-9_]*?)(?:_count|_sum|_max|_bucket)?[{ ]").matcher(line);
            if (name.find()) {
                exposed.add(name.group(1));
            }
        }
        final String readme = java.nio.file.Files.readString(repositoryRoot().resolve("README.md"));
        final java.util.Set<String> listed = new java.util.TreeSet<>();
        final java.util.regex.Matcher code = java.util.regex.Pattern
                .compile("`((?:epm|server_eth_proof_manager)_[a-z0-9_]+)(?:\\{[a-z,]*})?`").matcher(readme);
        while (code.find()) {
            listed.add(code.group(1));
        }
        assertThat(exposed).as("epm_ and server_eth_proof_manager_ metrics exposed on /metrics").isNotEmpty()
                .allSatisfy(metric -> assertThat(listed).as("metrics named in the README").contains(metric));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isRegularFile(dir.resolve("README.md")) && java.nio.file.Files.isRegularFile(dir.resolve("pom.xml"))
                    && java.nio.file.Files.isDirectory(dir.resolve("app"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    private int readyEndpointStatus() throws Exception {
        final int port = service.httpPort();
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

}
