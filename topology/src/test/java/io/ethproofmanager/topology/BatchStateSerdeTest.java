package io.ethproofmanager.topology;

import static io.ethproofmanager.topology.BatchFixtures.BATCH;
import static io.ethproofmanager.topology.BatchFixtures.RECORD_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchStateSerdeTest {

    private final BatchStateSerde serde = new BatchStateSerde();

    @Test
    void stateWithEveryEventKindAndATransactionResultSurvivesTheChangelog() {
        final L1TransactionResult reverted = BatchFixtures.requestResult(BATCH, L1TransactionResult.Outcome.REVERTED);
        final BatchStatusRecord published = new BatchStatusRecord(BATCH.chainId(), BATCH.batchNumber(), BatchStatus.ACKNOWLEDGED,
                3L, BatchFixtures.BLOB_URL, BatchFixtures.PROTOCOL, null, null, BatchFixtures.REQUEST_TX, null, null, null,
                RECORD_TIME, RECORD_TIME.plusSeconds(24));
        final BatchState state = new BatchState(BatchFixtures.readiness(BATCH), Map.of(reverted.commandId(), reverted),
                List.of(BatchFixtures.validated(BATCH), BatchFixtures.submitted(BATCH), BatchFixtures.refused(BATCH),
                        BatchFixtures.acknowledged(BATCH), BatchFixtures.proven(BATCH)),
                published);

        final BatchState read = serde.deserializer().deserialize("changelog", serde.serializer().serialize("changelog", state));

        assertThat(read).isEqualTo(state);
        assertThat(read.liveEvents()).first().isEqualTo(BatchFixtures.submitted(BATCH));
    }

    @Test
    void verdictPickUpClockAndFallbackSurviveTheChangelog() {
        final FallbackRecord fallback = new FallbackRecord(BATCH.chainId(), BATCH.batchNumber(), FallbackReason.UNACKNOWLEDGED,
                "lagrange did not acknowledge", ProvingNetwork.LAGRANGE, BatchFixtures.BLOB_URL, BatchFixtures.PROTOCOL, RECORD_TIME);
        final BatchState state = BatchState.initial(BatchFixtures.readiness(BATCH), published())
                .withVerdict(BatchFixtures.verdict(BATCH, false))
                .withPickUpClockStart(RECORD_TIME)
                .withFallback(fallback);

        final BatchState read = serde.decode(serde.encode(state));

        assertThat(read).isEqualTo(state);
        assertThat(read.fallenBack()).contains(fallback);
        assertThat(read.pickUpClockStart()).contains(RECORD_TIME);
    }

    @Test
    void earlierStateWithoutVerdictClockOrFallbackIsReadWithoutThem() {
        final ObjectNode earlier = (ObjectNode) RecordJson.toTree(BatchState.initial(BatchFixtures.readiness(BATCH), published()));
        earlier.remove(List.of("verdict", "readySeenAtChainTime", "fallback"));

        final BatchState read = serde.decode(RecordJson.toBytes(earlier));

        assertThat(read.proofVerdict()).isEmpty();
        assertThat(read.pickUpClockStart()).isEmpty();
        assertThat(read.fallenBack()).isEmpty();
        assertThat(read.lastPublished()).isEqualTo(published());
    }

    @Test
    void earlierStoreValueOfABareRecordIsReadAsAReadyBatch() {
        final byte[] earlier = Topics.BATCH_STATUS.valueSerde().encode(published());

        final BatchState read = serde.deserializer().deserialize("changelog", earlier);

        assertThat(read.lastPublished()).isEqualTo(published());
        assertThat(read.readiness()).isEqualTo(new ReadinessEvent(BATCH.chainId(), BATCH.batchNumber(), BatchFixtures.BLOB_URL,
                BatchFixtures.PROTOCOL, RECORD_TIME));
        assertThat(read.liveEvents()).isEmpty();
        assertThat(read.txResults()).isEmpty();
    }

    @Test
    void liveEventsAreKeptInChainOrder() {
        final BatchState state = BatchState.initial(BatchFixtures.readiness(BATCH), published())
                .withEvent(BatchFixtures.proven(BATCH))
                .withEvent(BatchFixtures.refused(BATCH))
                .withEvent(BatchFixtures.acknowledged(BATCH))
                .withEvent(BatchFixtures.submitted(BATCH));

        assertThat(state.liveEvents()).containsExactly(BatchFixtures.submitted(BATCH), BatchFixtures.acknowledged(BATCH),
                BatchFixtures.refused(BATCH), BatchFixtures.proven(BATCH).withoutProof());
    }

    @Test
    void stateRefusesARetractionAsLiveEventAndAnotherBatchsEvent() {
        final BatchState state = BatchState.initial(BatchFixtures.readiness(BATCH), published());

        assertThatThrownBy(() -> state.withEvent(BatchFixtures.retraction(BatchFixtures.submitted(BATCH))))
                .hasMessageContaining("never live");
        assertThatThrownBy(() -> state.withEvent(BatchFixtures.submitted(new BatchId(271L, 43L))))
                .hasMessageContaining("271:43");
    }

    private static BatchStatusRecord published() {
        return new BatchStatusRecord(BATCH.chainId(), BATCH.batchNumber(), BatchStatus.READY_TO_BE_PROVEN, 1L,
                BatchFixtures.BLOB_URL, BatchFixtures.PROTOCOL, null, null, null, null, null, null, RECORD_TIME, RECORD_TIME);
    }
}
