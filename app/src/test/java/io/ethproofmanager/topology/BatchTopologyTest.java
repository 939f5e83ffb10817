package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.BLOB_URL;
import static io.ethproofmanager.topology.BatchFixtures.POLICY;
import static io.ethproofmanager.topology.BatchFixtures.PROTOCOL;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchTopologyTest {

    private static final BatchId OTHER_BATCH = new BatchId(271L, 43L);

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> readiness;
    private TestInputTopic<byte[], byte[]> l1Events;
    private TestInputTopic<byte[], byte[]> txResults;
    private TestOutputTopic<BatchId, BatchStatusRecord> statuses;
    private TestOutputTopic<BatchId, L1Command> commands;
    private TestOutputTopic<BatchId, DeadLetter> deadLetters;

    @BeforeEach
    void buildTopologyAndTopics() {
        // 1. build topology and config
        driver = new TopologyTestDriver(BatchTopology.build(POLICY, meters),
                StreamsSettings.properties("unused:9092", "batch-topology-test", stateDir));
        // 2. create input and output topics
        readiness = input(Topics.READINESS);
        l1Events = input(Topics.L1_EVENTS);
        txResults = input(Topics.L1_TX_RESULTS);
        statuses = output(Topics.BATCH_STATUS);
        commands = output(Topics.L1_COMMANDS);
        deadLetters = output(Topics.DEAD_LETTER);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void readyBatchBecomesReadyToBeProvenAndAsksForAProofRequest() {
        // 3. write input
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);

        // 4. assert output
        final List<KeyValue<BatchId, BatchStatusRecord>> published = statuses.readKeyValuesToList();
        assertThat(published).singleElement().satisfies(status -> {
            assertThat(status.key).isEqualTo(BATCH);
            assertThat(status.value.status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
            assertThat(status.value.version()).isEqualTo(1L);
            assertThat(status.value.proofGenDataBlobUrl()).isEqualTo(BLOB_URL);
            assertThat(status.value.createdAt()).isEqualTo(RECORD_TIME);
        });
        assertThat(commands.readKeyValuesToList()).containsExactly(KeyValue.pair(BATCH, new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, RECORD_TIME)));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void readyBatchIsKeptInTheBatchStateStore() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);

        final KeyValueStore<BatchId, BatchState> store = driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE);
        assertThat(store.get(BATCH).readiness()).isEqualTo(BatchFixtures.readiness(BATCH));
        assertThat(store.get(BATCH).lastPublished().status()).isEqualTo(BatchStatus.READY_TO_BE_PROVEN);
    }

    @Test
    void sameReadinessTwiceGivesOneStatusAndOneCommand() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME.plusSeconds(60));

        assertThat(statuses.readValuesToList()).hasSize(1);
        assertThat(commands.readValuesToList()).hasSize(1);
        assertThat(eventCount(Outcome.BATCH_READY)).isEqualTo(1.0);
        assertThat(eventCount(Outcome.DUPLICATE_READINESS)).isEqualTo(1.0);
    }

    @Test
    void malformedJsonReadinessBecomesDeadLetterAndNextRecordIsStillProcessed() {
        final byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        readiness.pipeInput(key(BATCH), garbage, RECORD_TIME);
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(OTHER_BATCH), RECORD_TIME.plusSeconds(1));

        final KeyValue<BatchId, DeadLetter> letter = deadLetters.readKeyValue();
        assertThat(letter.key).isEqualTo(BATCH);
        assertThat(letter.value).isEqualTo(new DeadLetter(Topics.READINESS.name(), 0, 0L,
                Base64.getEncoder().encodeToString(key(BATCH)), Base64.getEncoder().encodeToString(garbage),
                letter.value.reason(), RECORD_TIME));
        assertThat(letter.value.reason()).startsWith("value not JSON");
        assertThat(statuses.readKeyValue().key).isEqualTo(OTHER_BATCH);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void schemaViolatingReadinessBecomesDeadLetterWithTheViolation() {
        final ObjectNode withoutUrl = (ObjectNode) RecordJson.toTree(BatchFixtures.readiness(BATCH));
        withoutUrl.remove("proofGenDataBlobUrl");

        readiness.pipeInput(key(BATCH), RecordJson.toBytes(withoutUrl), RECORD_TIME);

        assertThat(deadLetters.readValue().reason())
                .contains("violates v1/readiness-event.schema.json")
                .contains("proofGenDataBlobUrl");
        assertThat(statuses.isEmpty()).isTrue();
        assertThat(commands.isEmpty()).isTrue();
    }

    @Test
    void readinessUnderTheKeyOfAnotherBatchBecomesDeadLetter() {
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);

        final KeyValue<BatchId, DeadLetter> letter = deadLetters.readKeyValue();
        assertThat(letter.key).isEqualTo(OTHER_BATCH);
        assertThat(letter.value.reason()).isEqualTo("key 271:43 does not match the value's batch 271:42");
        assertThat(statuses.isEmpty()).isTrue();
    }

    @Test
    void readinessWithoutKeyBecomesDeadLetterWithoutKey() {
        readiness.pipeInput(null, Topics.READINESS.valueSerde().encode(BatchFixtures.readiness(BATCH)), RECORD_TIME);

        final KeyValue<BatchId, DeadLetter> letter = deadLetters.readKeyValue();
        assertThat(letter.key).isNull();
        assertThat(letter.value.keyBase64()).isNull();
        assertThat(letter.value.reason()).isEqualTo("record has no key");
    }

    @Test
    void readinessWithUndecodableKeyBecomesDeadLetterWithTheRawKey() {
        final byte[] badKey = "{\"chainId\":0,\"batchNumber\":42}".getBytes(StandardCharsets.UTF_8);

        readiness.pipeInput(badKey, Topics.READINESS.valueSerde().encode(BatchFixtures.readiness(BATCH)), RECORD_TIME);

        final KeyValue<BatchId, DeadLetter> letter = deadLetters.readKeyValue();
        assertThat(letter.key).isNull();
        assertThat(letter.value.keyBase64()).isEqualTo(Base64.getEncoder().encodeToString(badKey));
        assertThat(letter.value.reason()).startsWith("key violates v1/batch-id.schema.json");
        assertThat(statuses.isEmpty()).isTrue();
    }

    @Test
    void keyInAnotherJsonFormBecomesDeadLetterSoABatchNeverSpansPartitions() {
        final byte[] reordered = "{\"batchNumber\":42,\"chainId\":271}".getBytes(StandardCharsets.UTF_8);

        readiness.pipeInput(reordered, Topics.READINESS.valueSerde().encode(BatchFixtures.readiness(BATCH)), RECORD_TIME);

        final KeyValue<BatchId, DeadLetter> letter = deadLetters.readKeyValue();
        assertThat(letter.key).isEqualTo(BATCH);
        assertThat(letter.value.reason()).contains("not in canonical JSON form");
        assertThat(statuses.isEmpty()).isTrue();
    }

    @Test
    void malformedContractEventBecomesDeadLetterCountedForItsTopic() {
        l1Events.pipeInput(key(BATCH), "[]".getBytes(StandardCharsets.UTF_8), RECORD_TIME);

        assertThat(deadLetters.readValue().sourceTopic()).isEqualTo(Topics.L1_EVENTS.name());
        assertThat(deadLetterCount(Topics.L1_EVENTS)).isEqualTo(1.0);
        assertThat(deadLetterCount(Topics.READINESS)).isZero();
    }

    @Test
    void contractEventForUnknownBatchChangesNothing() {
        final L1Event event = BatchFixtures.acknowledged(BATCH);

        l1Events.pipeInput(key(BATCH), Topics.L1_EVENTS.valueSerde().encode(event), RECORD_TIME);
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(OTHER_BATCH), RECORD_TIME.plusSeconds(1));

        assertThat(statuses.readKeyValuesToList()).extracting(status -> status.key).containsExactly(OTHER_BATCH);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.UNKNOWN_BATCH)).isEqualTo(1.0);
    }

    @Test
    void acknowledgedBatchGetsAssignedNetwork() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeEvent(BatchFixtures.submitted(BATCH), RECORD_TIME.plusSeconds(12));
        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME.plusSeconds(24));

        final List<BatchStatusRecord> published = statuses.readValuesToList();
        assertThat(published).extracting(BatchStatusRecord::status).containsExactly(
                BatchStatus.READY_TO_BE_PROVEN, BatchStatus.REQUEST_SENT_TO_L1, BatchStatus.ACKNOWLEDGED);
        assertThat(published).extracting(BatchStatusRecord::version).containsExactly(1L, 2L, 3L);
        assertThat(published.get(2).assignedNetwork()).contains(ProvingNetwork.LAGRANGE);
        assertThat(published.get(2).updatedAt()).isEqualTo(RECORD_TIME.plusSeconds(24));
        assertThat(commands.readValuesToList()).hasSize(1);
        assertThat(eventCount(Outcome.ACKNOWLEDGED)).isEqualTo(1.0);
    }

    @Test
    void minedProofRequestFromTheTxResultsTopicMovesTheBatchToRequestSent() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        statuses.readValuesToList();

        pipeTxResult(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME.plusSeconds(30));

        final BatchStatusRecord sent = statuses.readValue();
        assertThat(sent.status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(sent.version()).isEqualTo(2L);
        assertThat(sent.sentProofRequestTxHash()).isEqualTo(BatchFixtures.REQUEST_TX);
        assertThat(eventCount(Outcome.REQUEST_SENT)).isEqualTo(1.0);
        final KeyValueStore<BatchId, BatchState> store = driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE);
        assertThat(store.get(BATCH).txResults()).containsKey(SubmitProofRequest.commandIdFor(BATCH));
    }

    @Test
    void revertedProofRequestIsKeptAndLeavesTheBatchReady() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        statuses.readValuesToList();

        pipeTxResult(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.REVERTED), RECORD_TIME.plusSeconds(30));

        assertThat(statuses.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.TX_RESULT_RECORDED)).isEqualTo(1.0);
        final KeyValueStore<BatchId, BatchState> store = driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE);
        assertThat(store.get(BATCH).txResults()).hasSize(1);
    }

    @Test
    void txResultForUnknownBatchStoresNothing() {
        pipeTxResult(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME);

        assertThat(statuses.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.UNKNOWN_BATCH)).isEqualTo(1.0);
        final KeyValueStore<BatchId, BatchState> store = driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE);
        assertThat(store.get(BATCH)).isNull();
    }

    @Test
    void malformedTxResultBecomesDeadLetterCountedForItsTopic() {
        txResults.pipeInput(key(BATCH), "{\"commandId\":\"x\"}".getBytes(StandardCharsets.UTF_8), RECORD_TIME);

        final DeadLetter letter = deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(Topics.L1_TX_RESULTS.name());
        assertThat(letter.reason()).contains("violates v1/l1-tx-result.schema.json");
        assertThat(deadLetterCount(Topics.L1_TX_RESULTS)).isEqualTo(1.0);
    }

    @Test
    void retractedAcknowledgementTakesTheBatchBackToRequestSentWithAHigherVersion() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeEvent(BatchFixtures.submitted(BATCH), RECORD_TIME.plusSeconds(12));
        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME.plusSeconds(24));
        pipeEvent(BatchFixtures.retraction(BatchFixtures.acknowledged(BATCH)), RECORD_TIME.plusSeconds(36));

        final List<BatchStatusRecord> published = statuses.readValuesToList();
        assertThat(published).extracting(BatchStatusRecord::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(published.get(3).status()).isEqualTo(BatchStatus.REQUEST_SENT_TO_L1);
        assertThat(published.get(3).assignedNetwork()).isEmpty();
        assertThat(eventCount(Outcome.RETRACTED)).isEqualTo(1.0);
        assertThat(commands.readValuesToList()).hasSize(1);
    }

    @Test
    void everyPublishedRecordConformsToItsTopicSchema() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeTxResult(BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME);
        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME);
        pipeEvent(BatchFixtures.refused(BATCH), RECORD_TIME);
        pipeEvent(BatchFixtures.retraction(BatchFixtures.refused(BATCH)), RECORD_TIME);
        readiness.pipeInput(key(OTHER_BATCH), "{}".getBytes(StandardCharsets.UTF_8), RECORD_TIME);
        txResults.pipeInput(key(OTHER_BATCH), "{}".getBytes(StandardCharsets.UTF_8), RECORD_TIME);

        final List<BatchStatusRecord> published = statuses.readValuesToList();
        final List<L1Command> issued = commands.readValuesToList();
        final List<DeadLetter> letters = deadLetters.readValuesToList();

        // a fallback is final: the refusal's retraction keeps the batch fallen_back
        assertThat(published).extracting(BatchStatusRecord::status).containsExactly(BatchStatus.READY_TO_BE_PROVEN,
                BatchStatus.REQUEST_SENT_TO_L1, BatchStatus.ACKNOWLEDGED, BatchStatus.FALLEN_BACK);
        assertThat(published).allSatisfy(value -> assertConforms(Topics.BATCH_STATUS, value));
        assertThat(issued).hasSize(1).allSatisfy(value -> assertConforms(Topics.L1_COMMANDS, value));
        assertThat(letters).hasSize(2).allSatisfy(value -> assertConforms(Topics.DEAD_LETTER, value));
    }

    @Test
    void countersStartAtZeroAndCountEachOutcomeAndDeadLetter() {
        assertThat(eventCount(Outcome.BATCH_READY)).isZero();
        assertThat(deadLetterCount(Topics.READINESS)).isZero();

        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        readiness.pipeInput(key(BATCH), new byte[] {1, 2, 3}, RECORD_TIME);
        readiness.pipeInput(key(BATCH), null, RECORD_TIME);

        assertThat(eventCount(Outcome.BATCH_READY)).isEqualTo(1.0);
        assertThat(deadLetterCount(Topics.READINESS)).isEqualTo(2.0);
        assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::reason)
                .last().isEqualTo("record has no value");
    }

    private static <V> void assertConforms(final Topic<BatchId, V> topic, final V value) {
        assertThat(topic.valueSerde().schema().violations(RecordJson.toTree(value)))
                .as("violations of %s by %s", topic.valueSerde().schema().path(), value)
                .isEmpty();
    }

    private void pipeReadiness(final BatchId key, final ReadinessEvent event, final Instant at) {
        readiness.pipeInput(key(key), Topics.READINESS.valueSerde().encode(event), at);
    }

    private void pipeEvent(final L1Event event, final Instant at) {
        l1Events.pipeInput(key(event.batchId()), Topics.L1_EVENTS.valueSerde().encode(event), at);
    }

    private void pipeTxResult(final L1TransactionResult result, final Instant at) {
        txResults.pipeInput(key(result.batchId()), Topics.L1_TX_RESULTS.valueSerde().encode(result), at);
    }

    private double eventCount(final Outcome outcome) {
        return meters.get(TopologyMetrics.EVENTS).tag("outcome", outcome.tag()).counter().count();
    }

    private double deadLetterCount(final Topic<?, ?> topic) {
        return meters.get(TopologyMetrics.DEAD_LETTERS).tag("topic", topic.name()).counter().count();
    }

    private static byte[] key(final BatchId batch) {
        return Topics.READINESS.keySerde().encode(batch);
    }

    private TestInputTopic<byte[], byte[]> input(final Topic<?, ?> topic) {
        return driver.createInputTopic(topic.name(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private <V> TestOutputTopic<BatchId, V> output(final Topic<BatchId, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
