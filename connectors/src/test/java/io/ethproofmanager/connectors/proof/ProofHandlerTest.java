package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The proof handler against a real anvil chain, the real broker and a file-system blob store: verdicts, retries, restarts. */
class ProofHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static LocalChain chain;
    private static ChainRequests requests;
    private static KafkaProducer<byte[], byte[]> producer;

    private final List<ProofHandler> handlers = new ArrayList<>();
    private String snapshot;
    private String events;
    private String verdicts;
    private String group;
    private long rollup;
    private SimpleMeterRegistry meters;
    private FileSystemBlobStore blobs;

    @BeforeAll
    static void startChainAndProducer() throws Exception {
        chain = LocalChain.start();
        requests = new ChainRequests(chain);
        // every request then goes to an active network (the preferred one starts as None, refusing every 3rd and 4th)
        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void stop() {
        producer.close();
        chain.close();
    }

    @BeforeEach
    void setUp(@TempDir final Path blobRoot) {
        snapshot = chain.snapshot();
        final int run = RUNS.incrementAndGet();
        events = "test.proof-handler.l1-events." + run;
        verdicts = "test.proof-handler.verdicts." + run;
        group = "proof-handler-" + run;
        rollup = 500 + run;
        meters = new SimpleMeterRegistry();
        blobs = new FileSystemBlobStore(blobRoot, "https://proofs.example/");
        SharedInfrastructure.createTopics(bootstrap(), events, verdicts);
    }

    @AfterEach
    void tearDown() {
        handlers.forEach(ProofHandler::close);
        chain.revert(snapshot);
    }

    @Test
    void validProofGetsAValidVerdictAndIsStoredWithItsBytes() throws Exception {
        final byte[] proof = ChainRequests.validProof(batch(1), ChainRequests.VERSION);
        final L1Event.ProofRequestProven proven = requests.requestAndProve(batch(1), proof);
        start(blobs, contractValidator());

        produce(proven);
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.reason()).startsWith("verifier accepted");
        assertThat(verdict.batchId()).isEqualTo(batch(1));
        assertThat(verdict.provedBy()).isEqualTo(ProvingNetwork.FERMAH);
        assertThat(verdict.proofTransactionHash()).isEqualTo(proven.log().transactionHash());
        assertThat(verdict.at()).isEqualTo(proven.log().blockTimestamp());
        assertThat(verdict.proofBlobUrl()).isEqualTo("https://proofs.example/proofs/" + rollup + "/1.proof");
        assertThat(blobs.read(verdict.proofBlobUrl())).isEqualTo(proof);
        assertThat(counter("epm_proofs_received_total")).isEqualTo(1.0);
        assertThat(meters.get("epm_proof_verdicts_total").tag("valid", "true").counter().count()).isEqualTo(1.0);
    }

    @Test
    void proofTheVerifierRefusesGetsAnInvalidVerdictAndIsStoredAnyway() throws Exception {
        final byte[] proof = L1BatchProofCodec.encode(
                TestVerifierProofs.withChangedEvaluation(ChainRequests.validFflonk(batch(2), ChainRequests.VERSION)));
        start(blobs, contractValidator());

        produce(requests.requestAndProve(batch(2), proof));
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).contains("verifier returned false");
        assertThat(blobs.read(verdict.proofBlobUrl())).isEqualTo(proof);
        assertThat(meters.get("epm_proof_verdicts_total").tag("valid", "false").counter().count()).isEqualTo(1.0);
    }

    @Test
    void proofForAnotherProtocolVersionGetsAnInvalidVerdictNamingBothVersions() throws Exception {
        start(blobs, contractValidator());

        produce(requests.requestAndProve(batch(3), ChainRequests.validProof(batch(3), new ProtocolVersion(0, 28, 1))));
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).contains("0.28.1").contains("0.29.2");
    }

    @Test
    void failingVerifierCallsAreRetriedAndTheVerdictWaitsForAnAnswer() throws Exception {
        final L1Event.ProofRequestProven proven =
                requests.requestAndProve(batch(4), ChainRequests.validProof(batch(4), ChainRequests.VERSION));
        try (FailingRpcProxy proxy = FailingRpcProxy.start(chain.rpcUrl(), chain.verifierAddress(), 3)) {
            final Web3j flaky = Web3j.build(new HttpService(proxy.url()));
            try {
                start(blobs, new VerifierContractValidator(flaky, chain.proofManagerAddress(), chain.verifierAddress()));

                produce(proven);
                // a later proof, judged only once the first is committed: then every verdict of the first is on the topic
                produce(requests.requestAndProve(batch(14), ChainRequests.validProof(batch(14), ChainRequests.VERSION)));
                final List<ProofVerdict> published = awaitVerdicts(2);

                assertThat(published).extracting(ProofVerdict::batchNumber).containsExactly(4L, 14L);
                assertThat(published.getFirst().valid()).as("an error is never a reason to call a proof invalid").isTrue();
                assertThat(proxy.failed()).isEqualTo(3);
                assertThat(meters.get("epm_proof_handler_retries_total").tag("cause", "validator").counter().count())
                        .isEqualTo(3.0);
                assertThat(counter("epm_proofs_received_total")).isEqualTo(2.0);
            } finally {
                flaky.shutdown();
            }
        }
    }

    @Test
    void blobStoreFailingWritesIsRetriedAndTheVerdictPublishedOnce() throws Exception {
        final byte[] proof = ChainRequests.validProof(batch(5), ChainRequests.VERSION);
        final FailingBlobStore failing = new FailingBlobStore(blobs, 3);
        start(failing, contractValidator());

        produce(requests.requestAndProve(batch(5), proof));
        // a later proof, judged only once the first is committed: then every verdict of the first is on the topic
        produce(requests.requestAndProve(batch(15), ChainRequests.validProof(batch(15), ChainRequests.VERSION)));
        final List<ProofVerdict> published = awaitVerdicts(2);

        assertThat(published).extracting(ProofVerdict::batchNumber).containsExactly(5L, 15L);
        assertThat(published.getFirst().valid()).isTrue();
        assertThat(failing.writeAttempts()).as("3 failed writes, then one per proof").isEqualTo(5);
        assertThat(blobs.read(published.getFirst().proofBlobUrl())).isEqualTo(proof);
        assertThat(meters.get("epm_proof_handler_retries_total").tag("cause", "blob_store").counter().count()).isEqualTo(3.0);
    }

    @Test
    void eventsRedeliveredAfterARestartGetNoSecondVerdict() throws Exception {
        final L1Event.ProofRequestProven first =
                requests.requestAndProve(batch(6), ChainRequests.validProof(batch(6), ChainRequests.VERSION));
        final ProofHandler before = start(blobs, contractValidator());
        produce(first);
        awaitVerdicts(1);
        before.close();

        // the same event again, and a handler of a new group that reads the events topic from its beginning
        produce(first);
        final L1Event.ProofRequestProven second =
                requests.requestAndProve(batch(7), ChainRequests.validProof(batch(7), ChainRequests.VERSION));
        produce(second);
        start(blobs, contractValidator(), settings(group + "-restarted", Map.of()));
        final List<ProofVerdict> published = awaitVerdicts(2);

        assertThat(published).extracting(ProofVerdict::batchNumber).containsExactly(6L, 7L);
        assertThat(published).extracting(ProofVerdict::valid).containsOnly(true);
    }

    @Test
    void proofOverTheSizeLimitIsInvalidAndNotStored() throws Exception {
        final byte[] proof = ChainRequests.validProof(batch(8), ChainRequests.VERSION);
        start(blobs, contractValidator(), settings(group, Map.of("epm.proofs.max-bytes", proof.length - 1)));

        produce(requests.requestAndProve(batch(8), proof));
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).contains(proof.length + " bytes").contains("limit of " + (proof.length - 1) + " bytes");
        assertThat(blobs.root().resolve(ProofHandler.blobKey(batch(8)))).doesNotExist();
    }

    @Test
    void proofTheIngesterLeftOutForItsSizeIsInvalidNamingItsSize() throws Exception {
        start(blobs, contractValidator(), settings());
        final L1Event.ProofRequestProven onChain =
                requests.requestAndProve(batch(10), ChainRequests.validProof(batch(10), ChainRequests.VERSION));

        produce(new L1Event.ProofRequestProven(onChain.chainId(), onChain.batchNumber(), "0x", onChain.assignedTo(),
                onChain.requestedRewardMicroUsdc(), onChain.log(), false, 400_000L));
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).contains("400000 bytes").doesNotContain("empty");
        assertThat(blobs.root().resolve(ProofHandler.blobKey(batch(10)))).doesNotExist();
    }

    @Test
    void emptyProofGetsAnInvalidVerdictAtOnceWithoutRetries() throws Exception {
        // the contract refuses an empty proof, so the event is the one of a real proof with its bytes taken away
        final L1Event.ProofRequestProven real =
                requests.requestAndProve(batch(11), ChainRequests.validProof(batch(11), ChainRequests.VERSION));
        start(blobs, contractValidator());

        produce(new L1Event.ProofRequestProven(real.chainId(), real.batchNumber(), "0x", real.assignedTo(),
                real.requestedRewardMicroUsdc(), real.log(), false));
        final ProofVerdict verdict = awaitVerdicts(1).getFirst();

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).isEqualTo("empty proof");
        assertThat(verdict.batchId()).isEqualTo(batch(11));
        assertThat(meters.find("epm_proof_handler_retries_total").counters()).as("an empty proof is not retried").isEmpty();
    }

    @Test
    void garbageProofBytesGetInvalidVerdictsNamingWhatIsWrong() throws Exception {
        final byte[] tooShort = {0x13, 0x37, 0x42};
        final byte[] noise = new byte[96];
        new java.util.Random(11).nextBytes(noise);
        noise[0] = (byte) 0xa1; // a map of one entry: the decoder reads on into the noise
        start(blobs, contractValidator());

        produce(requests.requestAndProve(batch(12), tooShort));
        produce(requests.requestAndProve(batch(13), noise));
        final List<ProofVerdict> verdicts = awaitVerdicts(2);

        assertThat(verdicts).extracting(ProofVerdict::batchNumber).containsExactly(12L, 13L);
        assertThat(verdicts).extracting(ProofVerdict::valid).containsOnly(false);
        assertThat(verdicts.get(0).reason()).startsWith("malformed CBOR");
        assertThat(verdicts.get(1).reason()).containsPattern("^(malformed|truncated) CBOR|missing field|must be");
        assertThat(blobs.read(verdicts.get(1).proofBlobUrl())).as("garbage is kept as evidence").isEqualTo(noise);
        assertThat(meters.find("epm_proof_handler_retries_total").counters()).as("garbage is not retried").isEmpty();
    }

    @Test
    void retractedProofsAndOtherEventsGetNoVerdict() throws Exception {
        final L1Event.ProofRequestProven retracted =
                requests.requestAndProve(batch(9), ChainRequests.validProof(batch(9), ChainRequests.VERSION));
        final L1Event.ProofRequestProven kept =
                requests.requestAndProve(batch(10), ChainRequests.validProof(batch(10), ChainRequests.VERSION));
        start(blobs, contractValidator());

        produce(new L1Event.ProofRequestProven(retracted.chainId(), retracted.batchNumber(), retracted.proofHex(),
                retracted.assignedTo(), retracted.requestedRewardMicroUsdc(), retracted.log(), true));
        produce(new L1Event.ProofValidationResult(rollup, 9, true, ProvingNetwork.FERMAH, retracted.log(), false));
        produce(kept);

        assertThat(awaitVerdicts(1)).extracting(ProofVerdict::batchNumber).containsExactly(10L);
        assertThat(blobs.root().resolve(ProofHandler.blobKey(batch(9)))).doesNotExist();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private ProofHandlerSettings settings() {
        return settings(group, Map.of());
    }

    /** The reference settings with the test's topics, a backoff from 50 ms to 200 ms and {@code overrides}. */
    private ProofHandlerSettings settings(final String groupId, final Map<String, Object> overrides) {
        final Map<String, Object> all = new HashMap<>(Map.of("epm.proof-handler.retry-backoff-min", "50ms",
                "epm.proof-handler.retry-backoff-max", "200ms"));
        all.putAll(overrides);
        return ProofHandlerSettings.from(TestSettings.with(all), bootstrap(), groupId).withTopics(events, verdicts);
    }

    private ProofHandler start(final BlobStore store, final ProofValidator validator) {
        return start(store, validator, settings());
    }

    private ProofHandler start(final BlobStore store, final ProofValidator validator, final ProofHandlerSettings settings) {
        final ProofHandler handler = new ProofHandler(settings, store, validator, meters);
        handlers.add(handler);
        handler.start();
        return handler;
    }

    private static VerifierContractValidator contractValidator() {
        return new VerifierContractValidator(chain.web3j(), chain.proofManagerAddress(), chain.verifierAddress());
    }

    private BatchId batch(final long number) {
        return new BatchId(rollup, number);
    }

    private void produce(final L1Event event) throws Exception {
        producer.send(new ProducerRecord<>(events, Topics.L1_EVENTS.keySerde().encode(event.batchId()),
                Topics.L1_EVENTS.valueSerde().encode(event))).get(10, TimeUnit.SECONDS);
    }

    private double counter(final String name) {
        return meters.get(name).counter().count();
    }

    /** Waits for {@code count} verdicts (each checked against its schema) and checks that there are no more. */
    private List<ProofVerdict> awaitVerdicts(final int count) {
        final AtomicReference<List<ProofVerdict>> seen = new AtomicReference<>(List.of());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .alias("waiting for " + count + " verdict(s) on " + verdicts)
                .until(() -> {
                    seen.set(verdictsNow());
                    return seen.get().size() >= count;
                });
        assertThat(seen.get()).as("verdicts on " + verdicts).hasSize(count);
        return seen.get();
    }

    /** Every verdict on the verdicts topic now, checked against its JSON schema. */
    private List<ProofVerdict> verdictsNow() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            final TopicPartition partition = new TopicPartition(verdicts, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final List<ProofVerdict> found = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    assertThat(Topics.PROOF_VERDICTS.valueSerde().schema().violations(RecordJson.readTree(record.value())))
                            .isEmpty();
                    assertThat(Topics.PROOF_VERDICTS.keySerde().decode(record.key()))
                            .isEqualTo(Topics.PROOF_VERDICTS.valueSerde().decode(record.value()).batchId());
                    found.add(Topics.PROOF_VERDICTS.valueSerde().decode(record.value()));
                });
            }
            return found;
        }
    }

    private static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }
}
