package io.ethproofmanager.topology.analytics;

import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.BATCH;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.REQUESTED_REWARD;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.acknowledged;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.claim;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.proven;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.retraction;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.submitted;
import static io.ethproofmanager.topology.analytics.AnalyticsFixtures.validation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.DeadLetter;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.topology.StreamsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardAnalyticsTopologyTest {

    private static final ProvingNetwork FERMAH = ProvingNetwork.FERMAH;
    private static final ProvingNetwork LAGRANGE = ProvingNetwork.LAGRANGE;
    private static final BatchId OTHER_BATCH = new BatchId(271L, 43L);
    private static final Instant RECORD_TIME = Instant.parse("2026-11-25T10:10:00Z");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> l1Events;
    private TestInputTopic<byte[], byte[]> networkEvents;
    private TestInputTopic<byte[], byte[]> fallbacks;
    private TestOutputTopic<ProvingNetwork, NetworkAnalytics> analytics;
    private TestOutputTopic<BatchId, DeadLetter> deadLetters;

    @BeforeEach
    void buildTopologyAndTopics() {
        // 1. build topology and config
        driver = new TopologyTestDriver(RewardAnalyticsTopology.build(meters),
                StreamsSettings.properties("unused:9092", RewardAnalyticsTopology.APPLICATION_ID, stateDir));
        // 2. create input and output topics
        l1Events = input(Topics.L1_EVENTS);
        networkEvents = input(Topics.NETWORK_EVENTS);
        fallbacks = input(Topics.FALLBACK);
        analytics = driver.createOutputTopic(Topics.NETWORK_ANALYTICS.name(),
                Topics.NETWORK_ANALYTICS.keySerde().deserializer(), Topics.NETWORK_ANALYTICS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER.name(),
                Topics.DEAD_LETTER.keySerde().deserializer(), Topics.DEAD_LETTER.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void validatedLifecycleGivesCountsDurationsAndOwedRewardPerNetwork() {
        // 3. write input
        pipeLifecycle(BATCH, FERMAH);
        pipeLifecycle(OTHER_BATCH, LAGRANGE);

        // 4. assert output
        final Map<ProvingNetwork, NetworkAnalytics> latest = latest();
        assertThat(latest).containsOnlyKeys(FERMAH, LAGRANGE);
        for (final NetworkAnalytics network : latest.values()) {
            assertThat(network.requestsAssigned()).isEqualTo(1L);
            assertThat(network.accepted()).isEqualTo(1L);
            assertThat(network.proven()).isEqualTo(1L);
            assertThat(network.validated()).isEqualTo(1L);
            assertThat(network.refused()).isZero();
            assertThat(network.acknowledgeSecondsP50()).isCloseTo(30.0, within(0.3));
            assertThat(network.proveSecondsP50()).isCloseTo(300.0, within(3.0));
            assertThat(network.proveSecondsP99()).isCloseTo(300.0, within(3.0));
            assertThat(network.rewardsOwedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
            assertThat(network.rewardsClaimedMicroUsdc()).isZero();
            assertThat(network.updatedAt()).isEqualTo(RECORD_TIME);
        }
    }

    @Test
    void everyPublishedRecordFollowsTheSchema() {
        pipeLifecycle(BATCH, FERMAH);
        pipeClaim(claim(FERMAH, REQUESTED_REWARD, 50_000L));

        final List<NetworkAnalytics> published = analytics.readValuesToList();

        assertThat(published).hasSize(5);
        assertThat(published).allSatisfy(record ->
                assertThat(Topics.NETWORK_ANALYTICS.valueSerde().schema().violations(RecordJson.toTree(record))).isEmpty());
    }

    @Test
    void refusalIsCounted() {
        pipeL1(submitted(BATCH, LAGRANGE));
        pipeL1(acknowledged(BATCH, LAGRANGE, false));

        final NetworkAnalytics lagrange = latest().get(LAGRANGE);
        assertThat(lagrange.refused()).isEqualTo(1L);
        assertThat(lagrange.accepted()).isZero();
    }

    @Test
    void duplicatedEventsCountOnceAndPublishNothing() {
        pipeLifecycle(BATCH, FERMAH);
        final int publishedOnce = analytics.readValuesToList().size();

        pipeLifecycle(BATCH, FERMAH);

        assertThat(publishedOnce).isEqualTo(4);
        assertThat(analytics.isEmpty()).isTrue();
        final NetworkAnalytics fermah = RewardAnalyticsView.analyticsOf(driver.getKeyValueStore(RewardAnalyticsTopology.NETWORK_STATS_STORE))
                .get(FERMAH);
        assertThat(fermah.requestsAssigned()).isEqualTo(1L);
        assertThat(fermah.accepted()).isEqualTo(1L);
        assertThat(fermah.rewardsOwedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
    }

    @Test
    void retractedAcknowledgementUndoesItsCount() {
        pipeL1(submitted(BATCH, FERMAH));
        pipeL1(acknowledged(BATCH, FERMAH, true));

        pipeL1(retraction(acknowledged(BATCH, FERMAH, true)));

        final List<NetworkAnalytics> published = analytics.readValuesToList();
        assertThat(published).extracting(NetworkAnalytics::accepted).containsExactly(0L, 1L, 0L);
        assertThat(published.getLast().requestsAssigned()).isEqualTo(1L);
        assertThat(published.getLast().acknowledgeSecondsP50()).isNull();
    }

    @Test
    void rewardClaimMovesOwedToClaimedOnceAndItsRetractionMovesItBack() {
        pipeLifecycle(BATCH, FERMAH);
        final NetworkEvent.RewardClaimed claim = claim(FERMAH, REQUESTED_REWARD, 50_000L);

        pipeClaim(claim);
        pipeClaim(claim);
        final NetworkAnalytics claimed = latest().get(FERMAH);
        pipeClaim(AnalyticsFixtures.retraction(claim));

        assertThat(claimed.rewardsOwedMicroUsdc()).isZero();
        assertThat(claimed.rewardsClaimedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
        final NetworkAnalytics retracted = latest().get(FERMAH);
        assertThat(retracted.rewardsOwedMicroUsdc()).isEqualTo(REQUESTED_REWARD);
        assertThat(retracted.rewardsClaimedMicroUsdc()).isZero();
    }

    @Test
    void timedOutFallbackIsCounted() {
        pipeL1(submitted(BATCH, LAGRANGE));
        pipeL1(acknowledged(BATCH, LAGRANGE, true));

        pipeFallback(AnalyticsFixtures.fallback(BATCH, LAGRANGE, FallbackReason.TIMED_OUT));

        final NetworkAnalytics lagrange = latest().get(LAGRANGE);
        assertThat(lagrange.timedOut()).isEqualTo(1L);
        assertThat(lagrange.unacknowledged()).isZero();
    }

    @Test
    void unacknowledgedRequestsAreCountedApartFromTimedOutOnesInRecordsThatFollowTheSchema() {
        final BatchId silentBatch = new BatchId(271L, 44L);
        // Lagrange accepts one request and never proves it; Fermah never acknowledges either of its two
        pipeL1(submitted(BATCH, LAGRANGE));
        pipeL1(acknowledged(BATCH, LAGRANGE, true));
        pipeL1(submitted(OTHER_BATCH, FERMAH));
        pipeL1(submitted(silentBatch, FERMAH));

        pipeFallback(AnalyticsFixtures.fallback(BATCH, LAGRANGE, FallbackReason.TIMED_OUT));
        pipeFallback(AnalyticsFixtures.fallback(OTHER_BATCH, FERMAH, FallbackReason.UNACKNOWLEDGED));
        pipeFallback(AnalyticsFixtures.fallback(silentBatch, FERMAH, FallbackReason.UNACKNOWLEDGED));
        pipeFallback(AnalyticsFixtures.fallback(silentBatch, FERMAH, FallbackReason.UNACKNOWLEDGED));

        final List<KeyValue<ProvingNetwork, NetworkAnalytics>> published = analytics.readKeyValuesToList();
        assertThat(published).allSatisfy(record ->
                assertThat(Topics.NETWORK_ANALYTICS.valueSerde().schema().violations(RecordJson.toTree(record.value))).isEmpty());
        final Map<ProvingNetwork, NetworkAnalytics> latest = published.stream()
                .collect(Collectors.toMap(record -> record.key, record -> record.value, (older, newer) -> newer));
        assertThat(List.of(latest.get(FERMAH).requestsAssigned(), latest.get(FERMAH).unacknowledged(), latest.get(FERMAH).timedOut()))
                .containsExactly(2L, 2L, 0L);
        assertThat(List.of(latest.get(LAGRANGE).requestsAssigned(), latest.get(LAGRANGE).unacknowledged(), latest.get(LAGRANGE).timedOut()))
                .containsExactly(1L, 0L, 1L);
    }

    @Test
    void malformedInputsBecomeDeadLettersAndTheNextRecordIsStillCounted() {
        l1Events.pipeInput(key(Topics.L1_EVENTS, BATCH), "{not json".getBytes(StandardCharsets.UTF_8), RECORD_TIME);
        networkEvents.pipeInput(key(Topics.NETWORK_EVENTS, LAGRANGE),
                Topics.NETWORK_EVENTS.valueSerde().encode(claim(FERMAH, 1L, 60_000L)), RECORD_TIME);
        pipeL1(submitted(OTHER_BATCH, FERMAH));

        final List<KeyValue<BatchId, DeadLetter>> letters = deadLetters.readKeyValuesToList();
        assertThat(letters).extracting(letter -> letter.key).containsExactly(BATCH, null);
        assertThat(letters).extracting(letter -> letter.value.sourceTopic())
                .containsExactly(Topics.L1_EVENTS.name(), Topics.NETWORK_EVENTS.name());
        assertThat(letters.getFirst().value.reason()).startsWith("value not JSON");
        assertThat(letters.getLast().value.reason()).contains("does not match");
        assertThat(latest().get(FERMAH).requestsAssigned()).isEqualTo(1L);
        assertThat(meters.get(RewardAnalyticsTopology.DEAD_LETTERS_METER).tag("topic", Topics.L1_EVENTS.name()).counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void fundsWithdrawnWithoutKeyIsIgnoredNotDeadLettered() {
        networkEvents.pipeInput(null, Topics.NETWORK_EVENTS.valueSerde().encode(new NetworkEvent.FundsWithdrawn(
                "0x" + "1".repeat(40), "0x" + "2".repeat(40), "5", claim(FERMAH, 1L, 70_000L).log(), false)), RECORD_TIME);

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(analytics.isEmpty()).isTrue();
    }

    @Test
    void everyNodeStoreAndInternalTopicIsNamed() {
        final String description = RewardAnalyticsTopology.build(meters).describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-").contains(
                RewardAnalyticsTopology.BATCH_FACTS_STORE, RewardAnalyticsTopology.REWARD_CLAIMS_STORE,
                RewardAnalyticsTopology.NETWORK_STATS_STORE, RewardAnalyticsTopology.CHANGES_BY_NETWORK + "-repartition");
    }

    private void pipeLifecycle(final BatchId batch, final ProvingNetwork network) {
        pipeL1(submitted(batch, network));
        pipeL1(acknowledged(batch, network, true));
        pipeL1(proven(batch, network));
        pipeL1(validation(batch, network, true));
    }

    private void pipeL1(final L1Event event) {
        l1Events.pipeInput(key(Topics.L1_EVENTS, event.batchId()), Topics.L1_EVENTS.valueSerde().encode(event), RECORD_TIME);
    }

    private void pipeClaim(final NetworkEvent.RewardClaimed claim) {
        networkEvents.pipeInput(key(Topics.NETWORK_EVENTS, claim.network()), Topics.NETWORK_EVENTS.valueSerde().encode(claim), RECORD_TIME);
    }

    private void pipeFallback(final FallbackRecord fallback) {
        fallbacks.pipeInput(key(Topics.FALLBACK, fallback.batchId()), Topics.FALLBACK.valueSerde().encode(fallback), RECORD_TIME);
    }

    private Map<ProvingNetwork, NetworkAnalytics> latest() {
        return analytics.readKeyValuesToMap();
    }

    private TestInputTopic<byte[], byte[]> input(final Topic<?, ?> topic) {
        return driver.createInputTopic(topic.name(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static <K> byte[] key(final Topic<K, ?> topic, final K key) {
        return topic.keySerde().encode(key);
    }
}
