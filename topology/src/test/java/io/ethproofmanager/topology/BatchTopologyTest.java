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
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.schemas.ValidationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
    private static final String CONTRACT = "0x" + "ab".repeat(20);

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> readiness;
    private TestInputTopic<byte[], byte[]> l1Events;
    private TestInputTopic<byte[], byte[]> txResults;
    private TestInputTopic<byte[], byte[]> verdicts;
    private TestOutputTopic<BatchId, FallbackRecord> fallbacks;
    private TestOutputTopic<BatchId, BatchStatusRecord> statuses;
    private TestOutputTopic<BatchId, L1Command> commands;
    private TestOutputTopic<BatchId, DeadLetter> deadLetters;

    @BeforeEach
    void buildTopologyAndTopics() {
        // 1. build topology and config
        driver = new TopologyTestDriver(BatchTopology.build(POLICY, DeadlinePolicy.defaults(), meters),
                StreamsSettings.properties("unused:9092", "batch-topology-test", stateDir));
        // 2. create input and output topics
        createTopics();
    }

    private void createTopics() {
        readiness = input(Topics.READINESS);
        l1Events = input(Topics.L1_EVENTS);
        txResults = input(Topics.L1_TX_RESULTS);
        verdicts = input(Topics.PROOF_VERDICTS);
        statuses = output(Topics.BATCH_STATUS);
        commands = output(Topics.L1_COMMANDS);
        deadLetters = output(Topics.DEAD_LETTER);
        fallbacks = output(Topics.FALLBACK);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void readyBatchBecomesReadyToBeProvenAndAsksForAProofRequestAtItsPartitionsFirstChainTime() {
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
        assertThat(commands.isEmpty()).as("no request before the chain time is known: it has no deadline yet").isTrue();

        final Instant chainTime = BatchFixtures.READY_AT.plusSeconds(2);
        pipeChainTime(chainTime);

        assertThat(commands.readKeyValuesToList()).containsExactly(KeyValue.pair(BATCH, new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), BLOB_URL, PROTOCOL,
                4_800L, 4_000_000L, chainTime, chainTime.plus(DeadlinePolicy.defaults().notPickedUp()))));
        assertThat(statuses.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.REQUEST_ISSUED)).isEqualTo(1.0);
    }

    @Test
    void readyBatchGetsItsRequestAtOnceWhenThePartitionsChainTimeIsKnownAndNeverAgain() {
        final Instant chainTime = BatchFixtures.READY_AT.plusSeconds(2);
        pipeChainTime(chainTime);

        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeChainTime(chainTime.plusSeconds(700));
        pipeChainTime(chainTime.plusSeconds(7_000));

        assertThat(commands.readValuesToList()).singleElement().isInstanceOfSatisfying(SubmitProofRequest.class,
                request -> assertThat(request.pickUpDeadline()).contains(chainTime.plusSeconds(600)));
        assertThat(fallbacks.isEmpty()).as("only the sender's expiry falls a batch back as not picked up").isTrue();
    }

    @Test
    void theSendersExpiryFallsTheBatchBackAsNotPickedUpOnce() {
        pipeChainTime(BatchFixtures.READY_AT);
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        final L1TransactionResult expired = new L1TransactionResult(SubmitProofRequest.commandIdFor(BATCH), BATCH.chainId(),
                BATCH.batchNumber(), L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, L1TransactionResult.Outcome.EXPIRED, null, null,
                null, "not sent: chain time is past its deadline", RECORD_TIME);

        pipeTxResult(expired, RECORD_TIME.plusSeconds(700));
        pipeTxResult(expired, RECORD_TIME.plusSeconds(710));

        assertThat(fallbacks.readValuesToList()).singleElement().satisfies(fallback -> {
            assertThat(fallback.reason()).isEqualTo(FallbackReason.NOT_PICKED_UP);
            assertThat(fallback.detail()).contains("never sent");
        });
        assertThat(lastStatus().status()).isEqualTo(BatchStatus.FALLEN_BACK);
    }

    @Test
    void aProofOnTimeOnChainIsAppliedBeforeTheTickThatWouldTimeItsRequestOut() {
        acknowledgedBatch();
        // the ingester's step: the proof's log, then the tick of its block, far past the proving deadline
        pipeEvent(BatchFixtures.proven(BATCH), RECORD_TIME.plusSeconds(30));
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(9_999));
        pipeVerdict(BatchFixtures.verdict(BATCH, true), RECORD_TIME.plusSeconds(40));

        assertThat(fallbacks.isEmpty()).isTrue();
        assertThat(commands.readValuesToList()).extracting(L1Command::commandId)
                .containsExactly(SubmitProofValidationResult.commandIdFor(BATCH));
        assertThat(lastStatus().status()).isEqualTo(BatchStatus.RECEIVED_PROOF);
    }

    @Test
    void aProofProcessedAfterATimeoutFallbackStillGetsItsValidationResultAndTheStatusStaysFallenBack() {
        acknowledgedBatch();
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(4_801));
        assertThat(fallbacks.readValuesToList()).extracting(FallbackRecord::reason).containsExactly(FallbackReason.TIMED_OUT);

        pipeEvent(BatchFixtures.proven(BATCH), RECORD_TIME.plusSeconds(30));
        pipeVerdict(BatchFixtures.verdict(BATCH, true), RECORD_TIME.plusSeconds(40));
        pipeTxResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME.plusSeconds(50));

        assertThat(commands.readValuesToList()).extracting(L1Command::commandId)
                .containsExactly(SubmitProofValidationResult.commandIdFor(BATCH));
        final List<BatchStatusRecord> history = statuses.readValuesToList();
        assertThat(history).extracting(BatchStatusRecord::status).containsOnly(BatchStatus.FALLEN_BACK);
        assertThat(history.getLast().validation()).contains(ValidationStatus.SUCCESSFUL);
        assertThat(history.getLast().fallbackReason()).startsWith("timed_out: ");
        assertThat(fallbacks.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.LATE_PROOF_ANSWERED)).isEqualTo(1.0);
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
        pipeChainTime(BatchFixtures.READY_AT);
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
        pipeChainTime(BatchFixtures.READY_AT);
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
        pipeChainTime(BatchFixtures.READY_AT);
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
        pipeChainTime(BatchFixtures.READY_AT);
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

    @Test
    void verdictMovesTheBatchToReceivedProofAndAsksForItsValidationResult() {
        acknowledgedBatch();

        pipeVerdict(BatchFixtures.verdict(BATCH, true), RECORD_TIME.plusSeconds(40));

        final BatchStatusRecord received = statuses.readValue();
        assertThat(received.status()).isEqualTo(BatchStatus.RECEIVED_PROOF);
        assertThat(received.proofBlobUrl()).isEqualTo(BatchFixtures.PROOF_BLOB_URL);
        assertThat(commands.readKeyValuesToList()).containsExactly(KeyValue.pair(BATCH, new SubmitProofValidationResult(
                SubmitProofValidationResult.commandIdFor(BATCH), BATCH.chainId(), BATCH.batchNumber(), true, RECORD_TIME.plusSeconds(40))));
        assertThat(eventCount(Outcome.PROOF_RECEIVED)).isEqualTo(1.0);
    }

    @Test
    void minedValidationResultSendsTheBatchToL1Successful() {
        acknowledgedBatch();
        pipeVerdict(BatchFixtures.verdict(BATCH, true), RECORD_TIME.plusSeconds(40));
        statuses.readValuesToList();

        pipeTxResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME.plusSeconds(50));

        final BatchStatusRecord sent = statuses.readValue();
        assertThat(sent.status()).isEqualTo(BatchStatus.VALIDATION_RESULT_SENT_TO_L1);
        assertThat(sent.validation()).contains(ValidationStatus.SUCCESSFUL);
        assertThat(sent.sentProofValidationResultTxHash()).isEqualTo(BatchFixtures.VALIDATION_TX);
        assertThat(fallbacks.isEmpty()).isTrue();
    }

    @Test
    void invalidProofFallsBackWithOneFallbackRecord() {
        acknowledgedBatch();
        pipeVerdict(BatchFixtures.verdict(BATCH, false), RECORD_TIME.plusSeconds(40));

        pipeTxResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME.plusSeconds(50));
        pipeEvent(BatchFixtures.invalidated(BATCH), RECORD_TIME.plusSeconds(60));

        final BatchStatusRecord last = lastStatus();
        assertThat(last.status()).isEqualTo(BatchStatus.FALLEN_BACK);
        assertThat(last.validation()).contains(ValidationStatus.FAILED);
        assertThat(last.fallbackReason()).startsWith("invalid_proof: ");
        assertThat(fallbacks.readKeyValuesToList()).singleElement().satisfies(fallback -> {
            assertThat(fallback.key).isEqualTo(BATCH);
            assertThat(fallback.value.reason()).isEqualTo(FallbackReason.INVALID_PROOF);
            assertThat(fallback.value.at()).isEqualTo(RECORD_TIME.plusSeconds(50));
        });
        assertThat(commands.readValuesToList()).extracting(L1Command::commandId)
                .containsExactly(SubmitProofValidationResult.commandIdFor(BATCH));
    }

    @Test
    void chainTimePastTheAcknowledgementDeadlineFallsBackUnacknowledgedOnce() {
        sentBatch();
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(120));
        assertThat(fallbacks.isEmpty()).as("at exactly submission + 120 s the acknowledgement is still in time").isTrue();

        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(121));

        final BatchStatusRecord fallen = lastStatus();
        assertThat(fallen.status()).isEqualTo(BatchStatus.FALLEN_BACK);
        assertThat(fallen.fallbackReason()).startsWith("unacknowledged: lagrange did not acknowledge within 120 s");
        assertThat(fallen.updatedAt()).isEqualTo(BatchFixtures.SUBMITTED_AT.plusSeconds(121));
        assertThat(fallbacks.readValuesToList()).singleElement().satisfies(fallback -> {
            assertThat(fallback.reason()).isEqualTo(FallbackReason.UNACKNOWLEDGED);
            assertThat(fallback.assignedTo()).isEqualTo(ProvingNetwork.LAGRANGE);
        });

        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(9_999));
        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME.plusSeconds(200));

        assertThat(fallbacks.isEmpty()).isTrue();
        assertThat(statuses.readValuesToList()).extracting(BatchStatusRecord::status).containsOnly(BatchStatus.FALLEN_BACK);
        assertThat(commands.isEmpty()).isTrue();
        assertThat(eventCount(Outcome.FELL_BACK)).isEqualTo(1.0);
        assertThat(eventCount(Outcome.LATE_AFTER_FALLBACK)).isEqualTo(1.0);
    }

    @Test
    void theStateOfAFinishedBatchIsDroppedOnceItsRetentionHasPassedOnBothClocks() {
        sentBatch();
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(OTHER_BATCH), RECORD_TIME);
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(121));
        final BatchStatusRecord fallen = lastStatus();
        assertThat(fallen.status()).isEqualTo(BatchStatus.FALLEN_BACK);
        final Instant dropAt = fallen.updatedAt().plus(BatchTopology.DEFAULT_FINISHED_RETENTION);
        final KeyValueStore<BatchId, BatchState> states = driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE);

        pipeChainTime(dropAt.minusSeconds(1), dropAt.plusSeconds(60));
        pipeChainTime(dropAt.plusSeconds(60), dropAt.minusSeconds(1));
        assertThat(states.get(BATCH)).as("kept while either clock is short of the retention").isNotNull();

        pipeChainTime(dropAt, dropAt);
        assertThat(states.get(BATCH)).as("dropped").isNull();
        assertThat(states.get(OTHER_BATCH)).as("a running batch is kept").isNotNull();
        assertThat(eventCount(Outcome.FINISHED_DROPPED)).isEqualTo(1.0);
        assertThat(statuses.readValuesToList()).extracting(BatchStatusRecord::batchId).doesNotContain(BATCH);
    }

    @Test
    void deadlineIndexHoldsEachRunningDeadlineOnceAndForgetsFinishedBatches() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(OTHER_BATCH), RECORD_TIME);
        assertThat(deadlineIndex()).as("ready batches are due at once, to get their proof request")
                .containsExactly(KeyValue.pair(BATCH, Instant.EPOCH), KeyValue.pair(OTHER_BATCH, Instant.EPOCH));

        pipeEvent(BatchFixtures.submitted(BATCH), RECORD_TIME.plusSeconds(12));
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(30));
        assertThat(deadlineIndex()).as("a request issued is the sender's to send or expire: no deadline here")
                .containsExactly(KeyValue.pair(BATCH, BatchFixtures.SUBMITTED_AT.plusSeconds(120)));

        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME.plusSeconds(24));
        assertThat(deadlineIndex()).containsExactly(KeyValue.pair(BATCH, BatchFixtures.SUBMITTED_AT.plusSeconds(4_800)));

        pipeEvent(BatchFixtures.proven(BATCH), RECORD_TIME.plusSeconds(40));
        assertThat(deadlineIndex()).as("a proven batch has no deadline left").isEmpty();
    }

    @Test
    void everyStoredBatchMeetsTheChainTimeThroughTheIndex() {
        for (long number = 100; number < 150; number++) {
            final BatchId batch = new BatchId(271L, number);
            pipeReadiness(batch, BatchFixtures.readiness(batch), RECORD_TIME);
            pipeEvent(BatchFixtures.submitted(batch), RECORD_TIME.plusSeconds(12));
        }
        statuses.readValuesToList();

        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(121));

        assertThat(fallbacks.readValuesToList()).hasSize(50).extracting(FallbackRecord::reason).containsOnly(FallbackReason.UNACKNOWLEDGED);
        assertThat(deadlineIndex()).isEmpty();
    }

    @Test
    void noDeadlineIsCheckedBeforeTheChainTimeIsKnown() {
        sentBatch();

        driver.advanceWallClockTime(Duration.ofHours(3));

        assertThat(fallbacks.isEmpty()).isTrue();
        assertThat(driver.getKeyValueStore(BatchTopology.BATCH_STATE_STORE).get(BATCH)).isNotNull();
    }

    @Test
    void deadlineThatPassedLongBeforeTheFirstCheckIsHandledAtThatCheck() {
        // what a restart finds: the batch's state in its store and a chain time far past its deadline in the global store
        sentBatch();

        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(3_600));

        assertThat(fallbacks.readValuesToList()).extracting(FallbackRecord::reason).containsExactly(FallbackReason.UNACKNOWLEDGED);
    }

    @Test
    void olderChainTimeNeverTurnsTheClockBackAndMalformedOrKeyedTicksAreDeadLetters() {
        sentBatch();
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(121));
        pipeChainTime(BatchFixtures.SUBMITTED_AT.plusSeconds(10));
        l1Events.pipeInput(null, "{not json".getBytes(StandardCharsets.UTF_8), RECORD_TIME);
        l1Events.pipeInput(key(BATCH), Topics.L1_EVENTS.valueSerde().encode(new ChainTime(CONTRACT, 2_001L,
                BatchFixtures.SUBMITTED_AT.plusSeconds(9_999))), RECORD_TIME);


        final KeyValueStore<String, ChainTime> clock = driver.getKeyValueStore(BatchTopology.CHAIN_CLOCK_STORE);
        assertThat(clock.get(CONTRACT).blockTimestamp()).isEqualTo(BatchFixtures.SUBMITTED_AT.plusSeconds(121));
        assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::reason).satisfiesExactly(
                reason -> assertThat(reason).startsWith("value "),
                reason -> assertThat(reason).contains("does not match"));
        assertThat(fallbacks.readValuesToList()).extracting(FallbackRecord::reason).containsExactly(FallbackReason.UNACKNOWLEDGED);
    }

    @Test
    void requestReadBackRefusedFallsBackAtOnceAsRefusedAtSubmission() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);

        pipeTxResult(BatchFixtures.requestRefusedAtSubmission(BATCH), RECORD_TIME.plusSeconds(12));

        assertThat(lastStatus().status()).isEqualTo(BatchStatus.FALLEN_BACK);
        assertThat(fallbacks.readValuesToList()).extracting(FallbackRecord::reason).containsExactly(FallbackReason.REFUSED_AT_SUBMISSION);
    }

    @Test
    void requestAssignedToNoneFallsBackAtOnceAsRefusedAtSubmission() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);

        pipeEvent(BatchFixtures.submittedToNone(BATCH), RECORD_TIME.plusSeconds(12));
        pipeTxResult(BatchFixtures.requestRefusedAtSubmission(BATCH), RECORD_TIME.plusSeconds(13));

        assertThat(lastStatus().fallbackReason()).isEqualTo("refused_at_submission: the contract assigned the request to no proving network");
        assertThat(fallbacks.readValuesToList()).singleElement().satisfies(fallback -> {
            assertThat(fallback.reason()).isEqualTo(FallbackReason.REFUSED_AT_SUBMISSION);
            assertThat(fallback.assignedTo()).isEqualTo(ProvingNetwork.NONE);
        });
    }

    @Test
    void malformedVerdictBecomesDeadLetterCountedForItsTopic() {
        verdicts.pipeInput(key(BATCH), "{\"valid\":true}".getBytes(StandardCharsets.UTF_8), RECORD_TIME);

        final DeadLetter letter = deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(Topics.PROOF_VERDICTS.name());
        assertThat(letter.reason()).contains("violates v1/proof-verdict.schema.json");
        assertThat(deadLetterCount(Topics.PROOF_VERDICTS)).isEqualTo(1.0);
    }

    @Test
    void proofAndFallbackOutputsConformToTheirTopicSchemas() {
        acknowledgedBatch();
        pipeVerdict(BatchFixtures.verdict(BATCH, false), RECORD_TIME.plusSeconds(40));
        pipeTxResult(BatchFixtures.validationResult(BATCH, L1TransactionResult.Outcome.MINED), RECORD_TIME.plusSeconds(50));
        pipeReadiness(OTHER_BATCH, BatchFixtures.readiness(OTHER_BATCH), RECORD_TIME);
        pipeChainTime(BatchFixtures.READY_AT.plusSeconds(1));
        pipeTxResult(new L1TransactionResult(SubmitProofRequest.commandIdFor(OTHER_BATCH), OTHER_BATCH.chainId(),
                OTHER_BATCH.batchNumber(), L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST, L1TransactionResult.Outcome.EXPIRED, null,
                null, null, "not sent: chain time is past its deadline", RECORD_TIME), RECORD_TIME.plusSeconds(700));

        final List<BatchStatusRecord> published = statuses.readValuesToList();
        final List<L1Command> issued = commands.readValuesToList();
        final List<FallbackRecord> fallen = fallbacks.readValuesToList();

        assertThat(fallen).extracting(FallbackRecord::reason).containsExactly(FallbackReason.INVALID_PROOF, FallbackReason.NOT_PICKED_UP);
        assertThat(published).extracting(BatchStatusRecord::status).contains(BatchStatus.RECEIVED_PROOF, BatchStatus.FALLEN_BACK);
        assertThat(published).allSatisfy(value -> assertConforms(Topics.BATCH_STATUS, value));
        assertThat(issued).hasSize(2).allSatisfy(value -> assertConforms(Topics.L1_COMMANDS, value));
        assertThat(fallen).allSatisfy(value -> assertConforms(Topics.FALLBACK, value));
    }

    /** Ready at RECORD_TIME, its request on L1 (submitted at SUBMITTED_AT) and acknowledged by Lagrange; outputs drained. */
    private void acknowledgedBatch() {
        sentBatch();
        pipeEvent(BatchFixtures.acknowledged(BATCH), RECORD_TIME.plusSeconds(24));
        statuses.readValuesToList();
        commands.readValuesToList();
    }

    /** Ready at RECORD_TIME and its request on L1, submitted at SUBMITTED_AT; outputs drained. */
    private void sentBatch() {
        pipeReadiness(BATCH, BatchFixtures.readiness(BATCH), RECORD_TIME);
        pipeEvent(BatchFixtures.submitted(BATCH), RECORD_TIME.plusSeconds(12));
        statuses.readValuesToList();
        commands.readValuesToList();
    }

    /** The deadline index's entries (batch, deadline), earliest first. */
    private List<KeyValue<BatchId, Instant>> deadlineIndex() {
        final KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store = driver.getKeyValueStore(BatchTopology.BATCH_DEADLINES_STORE);
        return new DeadlineIndex(store).all();
    }

    private BatchStatusRecord lastStatus() {
        final List<BatchStatusRecord> published = statuses.readValuesToList();
        assertThat(published).isNotEmpty();
        return published.get(published.size() - 1);
    }

    private void pipeVerdict(final ProofVerdict verdict, final Instant at) {
        verdicts.pipeInput(key(verdict.batchId()), Topics.PROOF_VERDICTS.valueSerde().encode(verdict), at);
    }

    /** A chain-time tick, as the ingester writes it after a step's events: keyless, on the events topic. */
    private void pipeChainTime(final Instant blockTimestamp) {
        pipeChainTime(blockTimestamp, RECORD_TIME);
    }

    private void pipeChainTime(final Instant blockTimestamp, final Instant recordTime) {
        l1Events.pipeInput(null, Topics.L1_EVENTS.valueSerde().encode(new ChainTime(CONTRACT, 2_000L, blockTimestamp)), recordTime);
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
