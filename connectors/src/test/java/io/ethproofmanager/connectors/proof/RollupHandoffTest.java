package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-off to the rollup on a real PostgreSQL (the rollup's proof_generation_details, with the V2 migration's
 * proving_mode), a file-system blob store as the rollup's, the real broker and anvil: the objects and rows after a valid
 * proof, after an invalid one, and after every kind of fallback.
 */
class RollupHandoffTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static LocalChain chain;
    private static ChainRequests requests;
    private static KafkaProducer<byte[], byte[]> producer;

    private Database database;
    private FileSystemBlobStore rollupBlobs;
    private Path rollupRoot;
    private RollupHandoff handoff;
    private String snapshot;
    private long rollup;
    private int run;

    @BeforeAll
    static void start() throws Exception {
        chain = LocalChain.start();
        requests = new ChainRequests(chain);
        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void stop() {
        producer.close();
        chain.close();
    }

    @BeforeEach
    void setUp(@TempDir final Path root) {
        run = RUNS.incrementAndGet();
        rollup = 700 + run;
        snapshot = chain.snapshot();
        database = SharedInfrastructure.freshDatabase("rollup_handoff_" + run);
        rollupRoot = root;
        rollupBlobs = new FileSystemBlobStore(root, "file:" + root + "/");
        handoff = new RollupHandoff(database.dataSource(), rollupBlobs, RollupHandoff.DEFAULT_PROOF_KEY_TEMPLATE);
    }

    @AfterEach
    void tearDown() {
        database.close();
        chain.revert(snapshot);
    }

    @Test
    void theRollupsTableHasProvingModeDefaultingToProvingNetwork() throws Exception {
        insertRow(1, "unpicked");

        assertThat(row(1)).containsEntry("status", "unpicked").containsEntry("proving_mode", "proving_network")
                .containsEntry("proof_blob_url", null);
    }

    @Test
    void aValidProofIsWrittenUnchangedWhereTheNodeLooksAndItsRowIsGenerated() throws Exception {
        final BatchId batch = new BatchId(rollup, 3);
        insertRow(3, "picked_by_prover");
        final byte[] proof = ChainRequests.validProof(batch, ChainRequests.VERSION);

        try (ProofHandler handler = handler()) {
            produce(requests.requestAndProve(batch, proof));
            await().atMost(WAIT).until(() -> "generated".equals(row(3).get("status")));
        }

        final String key = "proofs_fri/l1_batch_proof_3_0_29_2.cbor";
        assertThat(row(3)).containsEntry("proof_blob_url", key).containsEntry("proving_mode", "proving_network");
        assertThat(Files.readAllBytes(rollupRoot.resolve(key))).isEqualTo(proof);
    }

    @Test
    void anInvalidProofIsNotHandedBack() throws Exception {
        final BatchId batch = new BatchId(rollup, 4);
        insertRow(4, "picked_by_prover");
        final byte[] invalid = L1BatchProofCodec.encode(
                TestVerifierProofs.withChangedEvaluation(ChainRequests.validFflonk(batch, ChainRequests.VERSION)));
        final BatchId next = new BatchId(rollup, 5);
        insertRow(5, "picked_by_prover");

        try (ProofHandler handler = handler()) {
            produce(requests.requestAndProve(batch, invalid));
            produce(requests.requestAndProve(next, ChainRequests.validProof(next, ChainRequests.VERSION)));
            await().atMost(WAIT).until(() -> "generated".equals(row(5).get("status")));
        }

        assertThat(row(4)).containsEntry("status", "picked_by_prover").containsEntry("proof_blob_url", null);
        assertThat(rollupRoot.resolve("proofs_fri")).isDirectoryContaining("glob:**/l1_batch_proof_5_0_29_2.cbor")
                .isDirectoryNotContaining("glob:**/l1_batch_proof_4_*");
    }

    @Test
    void aRollupBlobStoreThatFailsIsRetriedBeforeTheVerdict() throws Exception {
        final BatchId batch = new BatchId(rollup, 6);
        insertRow(6, "picked_by_prover");
        final FailingBlobStore failing = new FailingBlobStore(rollupBlobs, 2);
        handoff = new RollupHandoff(database.dataSource(), failing, RollupHandoff.DEFAULT_PROOF_KEY_TEMPLATE);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (ProofHandler handler = handler(meters)) {
            produce(requests.requestAndProve(batch, ChainRequests.validProof(batch, ChainRequests.VERSION)));
            await().atMost(WAIT).until(() -> "generated".equals(row(6).get("status")));
        }

        assertThat(failing.writeAttempts()).isEqualTo(3);
        assertThat(meters.get("epm_proof_handler_retries_total").tag("cause", "rollup_handoff").counter().count()).isEqualTo(2);
    }

    @Test
    void everyKindOfFallbackSetsItsRowUnpickedForTheProverClusterButNeverUndoesAGeneratedProof() throws Exception {
        final String topic = "test.fallback-handoff." + run;
        SharedInfrastructure.createTopics(bootstrap(), topic);
        final Map<Long, FallbackReason> fallbacks = new HashMap<>();
        long number = 10;
        for (final FallbackReason reason : FallbackReason.values()) {
            insertRow(number, "unpicked");
            fallbacks.put(number++, reason);
        }
        insertRow(20, "generated");
        insertRow(21, "unpicked");

        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FallbackHandoff handoffs = new FallbackHandoff(bootstrap(), "fallback-handoff-" + run, topic, rollup, handoff,
                ProofHandlerSettings.from(TestSettings.reference(), bootstrap(), "fallback-handoff-pace"), meters)) {
            handoffs.start();
            for (final var fallback : fallbacks.entrySet()) {
                produceFallback(topic, new BatchId(rollup, fallback.getKey()), fallback.getValue());
            }
            produceFallback(topic, new BatchId(rollup, 20), FallbackReason.TIMED_OUT);
            produceFallback(topic, new BatchId(rollup + 1, 21), FallbackReason.REFUSED);
            // the same fallback again (a redelivery) changes nothing
            produceFallback(topic, new BatchId(rollup, 10), fallbacks.get(10L));

            await().atMost(WAIT).until(() -> meters.find("epm_rollup_handoff_fallbacks_total").counter() != null
                    && meters.get("epm_rollup_handoff_fallbacks_total").counter().count() == fallbacks.size() + 2);
            assertThat(handoffs.isHealthy()).isTrue();
        }

        for (final long batch : fallbacks.keySet()) {
            assertThat(row(batch)).as("batch %d (%s)", batch, fallbacks.get(batch))
                    .containsEntry("status", "unpicked").containsEntry("proving_mode", "prover_cluster");
        }
        assertThat(row(20)).as("a generated proof stays").containsEntry("status", "generated")
                .containsEntry("proving_mode", "proving_network");
        assertThat(row(21)).as("another chain's fallback").containsEntry("proving_mode", "proving_network");
    }

    @Test
    void eachChainsProofsGoToItsOwnStoresAndTableAndAnUnconfiguredChainsAreNotHandled() throws Exception {
        final long other = rollup + 1;
        final long unconfigured = rollup + 2;
        Database.createRollupTables(database.dataSource(), Optional.of("rollup_other"));
        final ProofGenerationDetails otherTable = new ProofGenerationDetails(database.dataSource(), Optional.of("rollup_other"), true);
        final FileSystemBlobStore otherRollupBlobs = new FileSystemBlobStore(rollupRoot.resolve("other-rollup"));
        final RollupHandoff otherHandoff = new RollupHandoff(otherTable, otherRollupBlobs, RollupHandoff.DEFAULT_PROOF_KEY_TEMPLATE);
        insertRow(3, "picked_by_prover");
        insertRow(4, "picked_by_prover");
        execute("INSERT INTO \"rollup_other\".proof_generation_details (l1_batch_number, status) VALUES (3, 'picked_by_prover')");
        final FileSystemBlobStore publicBlobs = new FileSystemBlobStore(rollupRoot.resolve("public"));
        final FileSystemBlobStore otherPublicBlobs = new FileSystemBlobStore(rollupRoot.resolve("other-public"));
        final ProofDestinations destinations = ProofDestinations.of(Map.of(
                rollup, new ProofDestinations.Chain(publicBlobs, Optional.of(handoff)),
                other, new ProofDestinations.Chain(otherPublicBlobs, Optional.of(otherHandoff))));

        try (ProofHandler handler = handler(destinations)) {
            produce(requests.requestAndProve(new BatchId(other, 3), ChainRequests.validProof(new BatchId(other, 3), ChainRequests.VERSION)));
            produce(requests.requestAndProve(new BatchId(unconfigured, 3),
                    ChainRequests.validProof(new BatchId(unconfigured, 3), ChainRequests.VERSION)));
            produce(requests.requestAndProve(new BatchId(rollup, 3), ChainRequests.validProof(new BatchId(rollup, 3), ChainRequests.VERSION)));
            await().atMost(WAIT).until(() -> "generated".equals(row(3).get("status"))
                    && "generated".equals(otherRow(3)));
        }

        final String key = "proofs_fri/l1_batch_proof_3_0_29_2.cbor";
        assertThat(rollupRoot.resolve(key)).as("chain %d's rollup store", rollup).exists();
        assertThat(rollupRoot.resolve("other-rollup").resolve(key)).as("chain %d's rollup store", other).exists();
        assertThat(row(4)).as("another batch of the same number's chain, untouched").containsEntry("status", "picked_by_prover");
        assertThat(rollupRoot.resolve("public/proofs/" + rollup + "/3.proof")).exists();
        assertThat(rollupRoot.resolve("other-public/proofs/" + other + "/3.proof")).exists();
        assertThat(rollupRoot.resolve("public/proofs/" + unconfigured)).as("an unconfigured chain's proof").doesNotExist();
        assertThat(rollupRoot.resolve("other-public/proofs/" + unconfigured)).doesNotExist();
    }

    @Test
    void fallbacksOfEachChainGoToItsOwnTable() throws Exception {
        final long other = rollup + 1;
        final String topic = "test.fallback-handoff-chains." + run;
        SharedInfrastructure.createTopics(bootstrap(), topic);
        Database.createRollupTables(database.dataSource(), Optional.of("rollup_other"));
        final RollupHandoff otherHandoff = new RollupHandoff(
                new ProofGenerationDetails(database.dataSource(), Optional.of("rollup_other"), true),
                new FileSystemBlobStore(rollupRoot.resolve("other-rollup")), RollupHandoff.DEFAULT_PROOF_KEY_TEMPLATE);
        insertRow(10, "unpicked");
        insertRow(11, "unpicked");
        execute("INSERT INTO \"rollup_other\".proof_generation_details (l1_batch_number, status) VALUES (11, 'unpicked')");

        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FallbackHandoff handoffs = new FallbackHandoff(bootstrap(), "fallback-handoff-chains-" + run, topic,
                Map.of(rollup, handoff, other, otherHandoff),
                ProofHandlerSettings.from(TestSettings.reference(), bootstrap(), "fallback-handoff-pace"), meters)) {
            handoffs.start();
            produceFallback(topic, new BatchId(rollup, 10), FallbackReason.REFUSED);
            produceFallback(topic, new BatchId(other, 11), FallbackReason.TIMED_OUT);
            produceFallback(topic, new BatchId(rollup + 2, 11), FallbackReason.TIMED_OUT); // no such chain here
            await().atMost(WAIT).until(() -> meters.find("epm_rollup_handoff_fallbacks_total").counter() != null
                    && meters.get("epm_rollup_handoff_fallbacks_total").counter().count() == 2);
        }

        assertThat(row(10)).containsEntry("proving_mode", "prover_cluster");
        assertThat(row(11)).as("chain %d's batch 11 did not fall back", rollup).containsEntry("proving_mode", "proving_network");
        assertThat(otherRow(11)).isEqualTo("unpicked");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT proving_mode::text FROM \"rollup_other\".proof_generation_details"
                        + " WHERE l1_batch_number = 11")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("prover_cluster");
        }
    }

    private String otherRow(final long batch) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status FROM \"rollup_other\".proof_generation_details WHERE l1_batch_number = "
                        + batch)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void execute(final String sql) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private ProofHandler handler() {
        return handler(new SimpleMeterRegistry());
    }

    private ProofHandler handler(final SimpleMeterRegistry meters) {
        return handler(ProofDestinations.everyChain(new FileSystemBlobStore(rollupRoot.resolve("manager"), "https://proofs.example/"),
                Optional.of(handoff)), meters);
    }

    private ProofHandler handler(final ProofDestinations destinations) {
        return handler(destinations, new SimpleMeterRegistry());
    }

    private ProofHandler handler(final ProofDestinations destinations, final SimpleMeterRegistry meters) {
        final String events = "test.rollup-handoff.l1-events." + run;
        final String verdicts = "test.rollup-handoff.verdicts." + run;
        SharedInfrastructure.createTopics(bootstrap(), events, verdicts);
        final ProofHandler handler = new ProofHandler(ProofHandlerSettings.from(TestSettings.with(
                        "epm.proof-handler { retry-backoff-min = 50ms, retry-backoff-max = 200ms }"), bootstrap(), "rollup-handoff-" + run)
                .withTopics(events, verdicts),
                destinations,
                new VerifierContractValidator(chain.web3j(), chain.proofManagerAddress(), chain.verifierAddress()),
                meters);
        handler.start();
        return handler;
    }

    private void produce(final L1Event event) throws Exception {
        producer.send(new ProducerRecord<>("test.rollup-handoff.l1-events." + run, Topics.L1_EVENTS.keySerde().encode(event.batchId()),
                Topics.L1_EVENTS.valueSerde().encode(event))).get(10, TimeUnit.SECONDS);
    }

    private void produceFallback(final String topic, final BatchId batch, final FallbackReason reason) throws Exception {
        final FallbackRecord record = new FallbackRecord(batch.chainId(), batch.batchNumber(), reason, "test " + reason.wireName(),
                ProvingNetwork.FERMAH, "proof_gen_data/" + batch.batchNumber() + ".bin", ChainRequests.VERSION, Instant.now());
        producer.send(new ProducerRecord<>(topic, Topics.FALLBACK.keySerde().encode(batch), Topics.FALLBACK.valueSerde().encode(record)))
                .get(10, TimeUnit.SECONDS);
    }

    private void insertRow(final long batch, final String status) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO proof_generation_details (l1_batch_number, status, proof_gen_data_blob_url) VALUES (?, ?, ?)")) {
            insert.setLong(1, batch);
            insert.setString(2, status);
            insert.setString(3, "proof_gen_data/" + batch + ".bin");
            insert.executeUpdate();
        }
    }

    private Map<String, String> row(final long batch) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, proof_blob_url, proving_mode::text FROM proof_generation_details"
                        + " WHERE l1_batch_number = " + batch)) {
            assertThat(rs.next()).as("row of batch %d", batch).isTrue();
            final Map<String, String> row = new HashMap<>();
            row.put("status", rs.getString(1));
            row.put("proof_blob_url", rs.getString(2));
            row.put("proving_mode", rs.getString(3));
            return row;
        }
    }

    private static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }
}
