package io.ethproofmanager.topology.analytics;

import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.ACKNOWLEDGE_SECONDS;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.BATCH;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.PROVE_SECONDS;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.REQUESTED_REWARD;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.acknowledged;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.proven;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.retraction;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.submitted;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.validation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.topology.analytics.BatchRequestFacts.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class RewardAnalyticsFactsTest {

    private static final ProvingNetwork FERMAH = ProvingNetwork.FERMAH;

    @Test
    void lifecycleGivesDurationsAndEarnedReward() {
        final BatchRequestFacts facts = lifecycle(true);

        assertThat(facts.network()).contains(FERMAH);
        assertThat(facts.acknowledgeSeconds()).contains(ACKNOWLEDGE_SECONDS);
        assertThat(facts.proveSeconds()).contains(PROVE_SECONDS);
        assertThat(facts.earnedRewardMicroUsdc()).isEqualTo(REQUESTED_REWARD);
    }

    @Test
    void invalidProofEarnsNothing() {
        assertThat(lifecycle(false).earnedRewardMicroUsdc()).isZero();
    }

    @Test
    void duplicateEventChangesNothing() {
        final BatchRequestFacts facts = lifecycle(true);

        assertThat(facts.with(acknowledged(BATCH, FERMAH, true))).isEqualTo(facts);
    }

    @Test
    void retractionRemovesItsFactOnly() {
        final BatchRequestFacts facts = lifecycle(true).with(retraction(acknowledged(BATCH, FERMAH, true)));

        assertThat(facts.fact(Kind.ACKNOWLEDGED)).isEmpty();
        assertThat(facts.acknowledgeSeconds()).isEmpty();
        assertThat(facts.proveSeconds()).contains(PROVE_SECONDS);
    }

    @Test
    void retractionOfAnotherBlocksLogKeepsTheReminedFact() {
        final L1Event.ProofRequestAcknowledged original = acknowledged(BATCH, FERMAH, true);
        final LogPosition log = original.log();
        final L1Event.ProofRequestAcknowledged remined = new L1Event.ProofRequestAcknowledged(BATCH.chainId(), BATCH.batchNumber(),
                true, FERMAH, new LogPosition(log.blockNumber() + 1, "0x" + "c".repeat(64), log.transactionHash(), 0L,
                        log.blockTimestamp().plusSeconds(12L)), false);

        final BatchRequestFacts facts = BatchRequestFacts.none().with(submitted(BATCH, FERMAH)).with(original).with(remined)
                .with(retraction(original));

        assertThat(facts.acknowledgeSeconds()).contains(ACKNOWLEDGE_SECONDS + 12L);
    }

    @Test
    void eachMissedDeadlineMarksItsOwnFlagAndRefusalNeither() {
        final BatchRequestFacts submitted = BatchRequestFacts.none().with(submitted(BATCH, FERMAH));

        final BatchRequestFacts timedOut = submitted.with(AnalyticsFixtures.fallback(BATCH, FERMAH, FallbackReason.TIMED_OUT));
        final BatchRequestFacts unacknowledged = submitted.with(AnalyticsFixtures.fallback(BATCH, FERMAH, FallbackReason.UNACKNOWLEDGED));
        final BatchRequestFacts refused = submitted.with(AnalyticsFixtures.fallback(BATCH, FERMAH, FallbackReason.REFUSED));

        assertThat(List.of(timedOut.unacknowledged(), timedOut.timedOut())).containsExactly(false, true);
        assertThat(List.of(unacknowledged.unacknowledged(), unacknowledged.timedOut())).containsExactly(true, false);
        assertThat(List.of(refused.unacknowledged(), refused.timedOut())).containsExactly(false, false);
    }

    @Test
    void factsStoredBeforeUnacknowledgedExistedReadOnWithTheirTimedOutFlag() {
        final ObjectNode stored = (ObjectNode) RecordJson.toTree(BatchRequestFacts.none().with(submitted(BATCH, FERMAH))
                .with(AnalyticsFixtures.fallback(BATCH, FERMAH, FallbackReason.UNACKNOWLEDGED)));
        stored.remove("unacknowledged");
        stored.put("timedOut", true);

        final BatchRequestFacts old = RecordJson.fromBytes(RecordJson.toBytes(stored), BatchRequestFacts.class);

        assertThat(old.unacknowledged()).isFalse();
        assertThat(old.timedOut()).isTrue();
        assertThat(old.network()).contains(FERMAH);
        assertThat(old.with(AnalyticsFixtures.fallback(BATCH, FERMAH, FallbackReason.UNACKNOWLEDGED))).isEqualTo(old);
    }

    @Test
    void factsSurviveJson() {
        final BatchRequestFacts facts = lifecycle(true);

        assertThat(RecordJson.fromBytes(RecordJson.toBytes(facts), BatchRequestFacts.class)).isEqualTo(facts);
    }

    private static BatchRequestFacts lifecycle(final boolean valid) {
        return BatchRequestFacts.none()
                .with(submitted(BATCH, FERMAH))
                .with(acknowledged(BATCH, FERMAH, true))
                .with(proven(BATCH, FERMAH))
                .with(validation(BATCH, FERMAH, valid));
    }
}
