package io.ethproofmanager.topology.analytics;

import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.BATCH;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.REQUESTED_REWARD;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.acknowledged;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.proven;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.retraction;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.submitted;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.validation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NetworkStatsTest {

    private static final ProvingNetwork LAGRANGE = ProvingNetwork.LAGRANGE;
    private static final Instant NOW = Instant.parse("2026-11-25T11:00:00Z");

    @Test
    void validatedLifecycleCountsEveryStepAndOwesTheReward() {
        final NetworkAnalytics analytics = NetworkStats.empty().plus(lifecycle(BATCH, true)).at(NOW).toAnalytics(LAGRANGE);

        assertThat(analytics.requestsAssigned()).isEqualTo(1L);
        assertThat(analytics.accepted()).isEqualTo(1L);
        assertThat(analytics.refused()).isZero();
        assertThat(analytics.proven()).isEqualTo(1L);
        assertThat(analytics.validated()).isEqualTo(1L);
        assertThat(analytics.validationFailed()).isZero();
        assertThat(analytics.acknowledgeSecondsP50()).isCloseTo(30.0, within(0.3));
        assertThat(analytics.proveSecondsP99()).isCloseTo(300.0, within(3.0));
        assertThat(analytics.rewardsOwedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
        assertThat(analytics.updatedAt()).isEqualTo(NOW);
    }

    @Test
    void failedValidationIsCountedAndOwesNothing() {
        final NetworkAnalytics analytics = NetworkStats.empty().plus(lifecycle(BATCH, false)).at(NOW).toAnalytics(LAGRANGE);

        assertThat(analytics.validationFailed()).isEqualTo(1L);
        assertThat(analytics.validated()).isZero();
        assertThat(analytics.rewardsOwedMicroUsdc()).isZero();
    }

    @Test
    void refusalIsCountedWithItsAcknowledgeTime() {
        final BatchRequestFacts refused = BatchRequestFacts.none().with(submitted(BATCH, LAGRANGE)).with(acknowledged(BATCH, LAGRANGE, false));

        final NetworkAnalytics analytics = NetworkStats.empty().plus(refused).toAnalytics(LAGRANGE);

        assertThat(analytics.refused()).isEqualTo(1L);
        assertThat(analytics.accepted()).isZero();
        assertThat(analytics.acknowledgeSecondsP50()).isCloseTo(30.0, within(0.3));
        assertThat(analytics.proveSecondsP50()).isNull();
    }

    @Test
    void replacingAContributionUndoesTheOldOne() {
        final BatchRequestFacts acknowledged = BatchRequestFacts.none().with(submitted(BATCH, LAGRANGE)).with(acknowledged(BATCH, LAGRANGE, true));
        final BatchRequestFacts retracted = acknowledged.with(retraction(acknowledged(BATCH, LAGRANGE, true)));

        final NetworkStats stats = NetworkStats.empty().plus(acknowledged).replace(acknowledged, retracted);

        assertThat(stats.accepted()).isZero();
        assertThat(stats.assigned()).isEqualTo(1L);
        assertThat(stats.acknowledgeSeconds().count()).isZero();
        assertThat(stats).isEqualTo(NetworkStats.empty().plus(retracted));
    }

    @Test
    void timedOutBatchIsCounted() {
        final BatchRequestFacts timedOut = BatchRequestFacts.none().with(submitted(BATCH, LAGRANGE))
                .with(AnalyticsFixtures.fallback(BATCH, LAGRANGE, FallbackReason.TIMED_OUT));

        assertThat(NetworkStats.empty().plus(timedOut).timedOut()).isEqualTo(1L);
    }

    @Test
    void unacknowledgedAndTimedOutBatchesAreCountedApart() {
        final BatchRequestFacts unacknowledged = BatchRequestFacts.none().with(submitted(BATCH, LAGRANGE))
                .with(AnalyticsFixtures.fallback(BATCH, LAGRANGE, FallbackReason.UNACKNOWLEDGED));
        final BatchId other = new BatchId(271L, 43L);
        final BatchRequestFacts timedOut = BatchRequestFacts.none().with(submitted(other, LAGRANGE))
                .with(acknowledged(other, LAGRANGE, true)).with(AnalyticsFixtures.fallback(other, LAGRANGE, FallbackReason.TIMED_OUT));

        final NetworkStats stats = NetworkStats.empty().plus(unacknowledged).plus(timedOut).plus(unacknowledged);
        final NetworkAnalytics analytics = stats.toAnalytics(LAGRANGE);

        assertThat(analytics.unacknowledged()).isEqualTo(2L);
        assertThat(analytics.timedOut()).isEqualTo(1L);
        assertThat(stats.minus(unacknowledged).unacknowledged()).isEqualTo(1L);
        assertThat(stats.minus(unacknowledged).timedOut()).isEqualTo(1L);
    }

    @Test
    void statsStoredBeforeUnacknowledgedExistedReadOnWithNoneCountedApart() {
        final BatchRequestFacts timedOut = BatchRequestFacts.none().with(submitted(BATCH, LAGRANGE))
                .with(AnalyticsFixtures.fallback(BATCH, LAGRANGE, FallbackReason.TIMED_OUT));
        final ObjectNode stored = (ObjectNode) RecordJson.toTree(NetworkStats.empty().plus(timedOut).at(NOW));
        stored.remove("unacknowledged");

        final NetworkStats old = RecordJson.fromBytes(RecordJson.toBytes(stored), NetworkStats.class);

        assertThat(old).isEqualTo(NetworkStats.empty().plus(timedOut).at(NOW));
        assertThat(old.unacknowledged()).isZero();
        assertThat(old.timedOut()).isEqualTo(1L);
    }

    @Test
    void claimMovesOwedToClaimed() {
        final NetworkStats stats = NetworkStats.empty().plus(lifecycle(BATCH, true)).plus(lifecycle(new BatchId(271L, 43L), true))
                .claimed(REQUESTED_REWARD);

        final NetworkAnalytics analytics = stats.toAnalytics(LAGRANGE);
        assertThat(analytics.rewardsOwedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
        assertThat(analytics.rewardsClaimedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
        assertThat(stats.claimed(-REQUESTED_REWARD).owedMicroUsdc()).isEqualTo(2 * REQUESTED_REWARD);
    }

    @Test
    void batchOfUnknownNetworkContributesNothing() {
        assertThat(NetworkStats.empty().plus(BatchRequestFacts.none())).isEqualTo(NetworkStats.empty());
    }

    @Test
    void publishedRecordFollowsTheSchema() {
        final NetworkAnalytics empty = NetworkStats.empty().toAnalytics(LAGRANGE);
        final NetworkAnalytics full = NetworkStats.empty().plus(lifecycle(BATCH, true)).at(NOW).toAnalytics(LAGRANGE);

        assertThat(Topics.NETWORK_ANALYTICS.valueSerde().schema().violations(RecordJson.toTree(empty))).isEmpty();
        assertThat(Topics.NETWORK_ANALYTICS.valueSerde().schema().violations(RecordJson.toTree(full))).isEmpty();
        assertThat(empty.unacknowledged()).isZero();
    }

    @Test
    void statsSurviveJson() {
        final NetworkStats stats = NetworkStats.empty().plus(lifecycle(BATCH, true)).claimed(1L).at(NOW);

        assertThat(RecordJson.fromBytes(RecordJson.toBytes(stats), NetworkStats.class)).isEqualTo(stats);
    }

    private static BatchRequestFacts lifecycle(final BatchId batch, final boolean valid) {
        return BatchRequestFacts.none()
                .with(submitted(batch, LAGRANGE))
                .with(acknowledged(batch, LAGRANGE, true))
                .with(proven(batch, LAGRANGE))
                .with(validation(batch, LAGRANGE, valid));
    }
}
