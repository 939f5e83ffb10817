package io.ethproofmanager.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordSchemasTest {

    private static final Instant AT = Instant.parse("2026-11-25T10:15:30Z");
    private static final String TX = "0x" + "ab".repeat(32);
    private static final LogPosition LOG = new LogPosition(12, "0x" + "cd".repeat(32), TX, 3, AT);
    private static final ProtocolVersion V = new ProtocolVersion(0, 28, 1);

    static Stream<Object[]> everyRecordKind() {
        return Stream.of(
                new Object[] {Topics.READINESS, new ReadinessEvent(271, 7, "https://storage.googleapis.com/b/7.bin", V, AT)},
                new Object[] {Topics.BATCH_STATUS, new BatchStatusRecord(271, 7, BatchStatus.READY_TO_BE_PROVEN, 1,
                        "https://b/7.bin", V, null, null, null, null, null, null, AT, AT)},
                new Object[] {Topics.BATCH_STATUS, new BatchStatusRecord(271, 7, BatchStatus.VALIDATION_RESULT_SENT_TO_L1, 5,
                        "https://b/7.bin", V, "file:///p/7.proof", ProvingNetwork.FERMAH, TX, TX, ValidationStatus.SUCCESSFUL, null, AT, AT)},
                new Object[] {Topics.BATCH_STATUS, new BatchStatusRecord(271, 7, BatchStatus.FALLEN_BACK, 3,
                        "https://b/7.bin", V, null, ProvingNetwork.LAGRANGE, TX, null, null, "refused", AT, AT)},
                new Object[] {Topics.L1_COMMANDS, new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(271, 7)), 271, 7,
                        "https://b/7.bin", V, 4800, 4_000_000, AT)},
                new Object[] {Topics.L1_COMMANDS, new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(271, 7)), 271, 7,
                        "https://b/7.bin", V, 4800, 4_000_000, AT, AT.plusSeconds(600))},
                new Object[] {Topics.L1_COMMANDS, new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(271, 7)), 271, 7,
                        "https://b/7.bin", V, 7200, 1, AT, AT.plusSeconds(600))},
                new Object[] {Topics.L1_COMMANDS, new SubmitProofValidationResult("v:271:7", 271, 7, true, AT)},
                new Object[] {Topics.L1_EVENTS, new L1Event.ProofRequestSubmitted(271, 7, ProvingNetwork.FERMAH, "https://b/7.bin", V,
                        4800, 4_000_000, 0, LOG, false)},
                new Object[] {Topics.L1_EVENTS, new L1Event.ProofRequestAcknowledged(271, 7, true, ProvingNetwork.FERMAH, LOG, true)},
                new Object[] {Topics.L1_EVENTS, new L1Event.ProofRequestProven(271, 7, "0x0102", ProvingNetwork.LAGRANGE, 3_000_000, LOG, false)},
                new Object[] {Topics.L1_EVENTS, new L1Event.ProofRequestProven(271, 7, "0x", ProvingNetwork.LAGRANGE, 3_000_000, LOG, false, 300_000L)},
                new Object[] {Topics.L1_EVENTS, new L1Event.ProofValidationResult(271, 7, false, ProvingNetwork.LAGRANGE, LOG, false)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST,
                        L1TransactionResult.Outcome.MINED, TX, 12L, null, null, AT)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_VALIDATION_RESULT,
                        L1TransactionResult.Outcome.REVERTED, TX, 12L, "ProofRequestIsNotProven(1)", "status 0", AT)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST,
                        L1TransactionResult.Outcome.HELD_FEE_CAP, null, null, null, "max fee 90 gwei above cap 50 gwei", AT)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST,
                        L1TransactionResult.Outcome.MINED, TX, 12L, null, null, AT).withRequestStatus(
                        L1TransactionResult.OnChainRequestStatus.REFUSED)},
                new Object[] {Topics.PROOF_VERDICTS, new ProofVerdict(271, 7, ProvingNetwork.FERMAH, "file:///proofs/271/7.proof", false,
                        "verifier refused the proof", TX, AT)},
                new Object[] {Topics.FALLBACK, new FallbackRecord(271, 7, FallbackReason.TIMED_OUT, "no proof 4800 s after submission",
                        ProvingNetwork.LAGRANGE, "https://b/7.bin", V, AT)},
                new Object[] {Topics.FALLBACK, new FallbackRecord(271, 8, FallbackReason.REFUSED_AT_SUBMISSION, "assigned to none",
                        null, null, null, AT)},
                new Object[] {Topics.NETWORK_ANALYTICS, new NetworkAnalytics(ProvingNetwork.FERMAH, 12, 8, 2, 7, 6, 1, 2L, 1, 3.0, 9.5,
                        120.0, 600.0, 12_000_000, 6_000_000, AT)},
                new Object[] {Topics.NETWORK_ANALYTICS, new NetworkAnalytics(ProvingNetwork.LAGRANGE, 0, 0, 0, 0, 0, 0, 0L, 0, null, null,
                        null, null, 0, 0, AT)},
                new Object[] {Topics.L1_EVENTS, new ChainTime("0x" + "ab".repeat(20), 120, AT)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_REQUEST,
                        L1TransactionResult.Outcome.EXPIRED, null, null, null, "chain time past notPickedUpBy", AT)},
                new Object[] {Topics.L1_TX_RESULTS, new L1TransactionResult("c", 271, 7, L1TransactionResult.Kind.SUBMIT_PROOF_VALIDATION_RESULT,
                        L1TransactionResult.Outcome.REORGED_OUT, TX, 12L, null, "reorged out of block 12; sent again", AT)},
                new Object[] {Topics.NETWORK_EVENTS, new NetworkEvent.RewardClaimed(ProvingNetwork.FERMAH, 3_000_000, LOG, false)},
                new Object[] {Topics.NETWORK_EVENTS, new NetworkEvent.ProvingNetworkStatusUpdated(ProvingNetwork.LAGRANGE, false, LOG, false)},
                new Object[] {Topics.NETWORK_EVENTS, new NetworkEvent.ProvingNetworkAddressUpdated(ProvingNetwork.LAGRANGE,
                        "0x" + "12".repeat(20), LOG, false)},
                new Object[] {Topics.NETWORK_EVENTS, new NetworkEvent.PreferredProvingNetworkUpdated(ProvingNetwork.FERMAH, LOG, true)},
                new Object[] {Topics.NETWORK_EVENTS, new NetworkEvent.FundsWithdrawn("0x" + "12".repeat(20), "0x" + "34".repeat(20),
                        "1000000", LOG, false)},
                new Object[] {Topics.DEAD_LETTER, new DeadLetter("epm.readiness.v1", 0, 42, null, "bm90IGpzb24=", "not JSON", AT)});
    }

    @ParameterizedTest
    @MethodSource("everyRecordKind")
    <V> void everyRecordKindValidatesAgainstItsSchemaAndRoundTrips(final Topic<?, V> topic, final V record) {
        final byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), record);

        assertThat(topic.valueSerde().schema().violations(RecordJson.readTree(bytes))).isEmpty();
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), bytes)).isEqualTo(record);
    }

    @Test
    void batchKeysValidateAndRoundTrip() {
        final var serde = Topics.BATCH_STATUS.keySerde();
        final byte[] bytes = serde.encode(new BatchId(271, 9));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"chainId\":271,\"batchNumber\":9}");
        assertThat(serde.decode(bytes)).isEqualTo(new BatchId(271, 9));
    }

    @Test
    void networkKeysAreTheNetworkName() {
        final var serde = Topics.NETWORK_EVENTS.keySerde();

        assertThat(new String(serde.encode(ProvingNetwork.LAGRANGE), StandardCharsets.UTF_8)).isEqualTo("\"lagrange\"");
        assertThat(serde.decode("\"fermah\"".getBytes(StandardCharsets.UTF_8))).isEqualTo(ProvingNetwork.FERMAH);
    }

    @Test
    void notJsonIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Topics.READINESS.valueSerde().decode("{oops".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageStartingWith("not JSON");
    }

    @Test
    void aProvenEventWrittenBeforeProofBytesExistedCarriesItsWholeProof() {
        final ObjectNode tree = (ObjectNode) RecordJson.toTree(
                new L1Event.ProofRequestProven(271, 7, "0x010203", ProvingNetwork.LAGRANGE, 3_000_000, LOG, false));
        tree.remove("proofBytes");

        final L1Event.ProofRequestProven old = (L1Event.ProofRequestProven) Topics.L1_EVENTS.valueSerde().decode(RecordJson.toBytes(tree));

        assertThat(old.proofBytes()).isNull();
        assertThat(old.proofSize()).isEqualTo(3);
        assertThat(old.proofOmitted()).isFalse();
        assertThat(old.withoutProof().proofOmitted()).isTrue();
        assertThat(old.withoutProof().proofSize()).isEqualTo(3);
    }

    @Test
    void aProofRequestWrittenBeforeItsPickUpDeadlineExistedHasNone() {
        final ObjectNode tree = (ObjectNode) RecordJson.toTree(new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(new BatchId(271, 7)), 271, 7, "https://b/7.bin", V, 4800, 4_000_000, AT, AT));
        tree.remove("notPickedUpBy");

        final SubmitProofRequest old = (SubmitProofRequest) Topics.L1_COMMANDS.valueSerde().decode(RecordJson.toBytes(tree));

        assertThat(old.pickUpDeadline()).isEmpty();
    }

    @Test
    void aProofRequestsMaxRewardIsWithinTheContractsBounds() {
        final ObjectNode tree = (ObjectNode) RecordJson.toTree(new SubmitProofRequest(
                SubmitProofRequest.commandIdFor(new BatchId(271, 7)), 271, 7, "https://b/7.bin", V, 4800, 1, AT, AT));
        final RecordSchema schema = Topics.L1_COMMANDS.valueSerde().schema();

        assertThat(schema.violations(tree)).isEmpty();
        assertThat(schema.violations(tree.put("maxRewardMicroUsdc", 0))).isNotEmpty();
        assertThat(schema.violations(tree.put("maxRewardMicroUsdc", 5_000_001))).isNotEmpty();
    }

    @Test
    void anAnalyticsRecordWrittenBeforeUnacknowledgedWasCountedApartHasNoneAndStillValidates() {
        final ObjectNode tree = (ObjectNode) RecordJson.toTree(new NetworkAnalytics(ProvingNetwork.FERMAH, 10, 8, 1, 7, 6, 1, 0L, 1,
                3.0, 9.5, 120.0, 600.0, 12_000_000, 6_000_000, AT));
        tree.remove("unacknowledged");

        final NetworkAnalytics old = Topics.NETWORK_ANALYTICS.valueSerde().decode(RecordJson.toBytes(tree));

        assertThat(old.unacknowledged()).isNull();
        assertThat(old.timedOut()).isEqualTo(1L);
    }

    @Test
    void aChainTimeTickIsTheOnlyKeylessKindOfL1EventsAndCarriesNoBatchFields() {
        final ObjectNode tick = (ObjectNode) RecordJson.toTree(new ChainTime("0x" + "ab".repeat(20), 120, AT));
        assertThat(tick.get("type").asText()).isEqualTo("ChainTime");
        tick.put("chainId", 271);

        assertThat(Topics.L1_EVENTS.valueSerde().schema().violations(tick)).isNotEmpty();
    }

    @Test
    void aMissingFieldIsRefusedNamingTheSchemaAndTheField() {
        final byte[] noUrl = """
                {"chainId":271,"batchNumber":7,"protocolVersion":{"major":0,"minor":28,"patch":1},"readyAt":"2026-11-25T10:15:30Z"}"""
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Topics.READINESS.valueSerde().decode(noUrl))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("v1/readiness-event.schema.json")
                .hasMessageContaining("proofGenDataBlobUrl");
    }

    @Test
    void aNegativeBatchNumberIsRefused() {
        final byte[] negative = "{\"chainId\":271,\"batchNumber\":-1}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Topics.READINESS.keySerde().decode(negative)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void anUnknownStatusIsRefused() {
        final var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RecordJson.toTree(new BatchStatusRecord(271, 7,
                BatchStatus.READY_TO_BE_PROVEN, 1, "u", V, null, null, null, null, null, null, AT, AT));
        tree.put("status", "proven_somehow");

        assertThat(Topics.BATCH_STATUS.valueSerde().schema().violations(tree)).isNotEmpty();
    }

    @Test
    void everyTopicNameCarriesItsMajorVersionAndIsUnique() {
        final List<String> names = Topics.all().stream().map(Topic::name).toList();

        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.startsWith("epm.") && name.endsWith(".v1"));
    }
}
