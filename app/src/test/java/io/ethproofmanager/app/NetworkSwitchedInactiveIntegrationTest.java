package io.ethproofmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.FallbackReason;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin switches a proving network Inactive while the whole manager runs: the contract refuses the requests assigned
 * to it at submission, and they fall back at once; the other network's batches carry on; switched Active again, it gets
 * requests through. Network status changes are ingested as network events, never dead-lettered.
 */
class NetworkSwitchedInactiveIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private ProofManagerService service;

    @BeforeEach
    void startEverything() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"));
        harness.send(chain.admin(), proofManager -> proofManager.updatePreferredProvingNetwork(LocalChain.FERMAH).send());
        service = harness.start();
    }

    @AfterEach
    void stopEverything() {
        if (service != null) {
            service.close();
        }
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void requestsForANetworkSwitchedInactiveFallBackAtOnceAndTheOtherNetworkCarriesOn() throws Exception {
        // request counter 0 → fermah, 1 → lagrange: both networks get a request while active
        final List<Long> before = seedAndAwaitSettled(2);
        assertThat(before).allSatisfy(this::assertRequested);
        assertThat(before).extracting(this::assignee).containsExactlyInAnyOrder(ProvingNetwork.FERMAH, ProvingNetwork.LAGRANGE);

        harness.send(chain.admin(), proofManager -> proofManager.updateProvingNetworkStatus(LocalChain.LAGRANGE, LocalChain.INACTIVE).send());
        // counters 2, 3 → the preferred fermah, 4 → fermah, 5 → lagrange, now inactive
        final List<Long> whileInactive = seedAndAwaitSettled(4);

        final List<Long> refused = whileInactive.stream().filter(b -> assignee(b) == ProvingNetwork.LAGRANGE).toList();
        assertThat(refused).hasSize(1);
        assertThat(harness.request(refused.getFirst()).status.intValueExact()).as("stored Refused").isEqualTo(2);
        await("batch " + refused.getFirst() + " fallen back").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(ServiceHarness.row(service.database().dataSource(), refused.getFirst()))
                        .containsEntry("status", "fallen_back")
                        .hasEntrySatisfying("fallback_reason", reason -> assertThat(reason)
                                .startsWith("refused_at_submission: ").contains("inactive")));
        whileInactive.stream().filter(b -> !refused.contains(b)).forEach(this::assertRequested);

        harness.send(chain.admin(), proofManager -> proofManager.updateProvingNetworkStatus(LocalChain.LAGRANGE, LocalChain.ACTIVE).send());
        // counters 6, 7 → fermah (preferred), 8 → fermah, 9 → lagrange, active again
        final List<Long> after = seedAndAwaitSettled(4);
        assertThat(after).allSatisfy(this::assertRequested);
        assertThat(after).extracting(this::assignee).contains(ProvingNetwork.LAGRANGE);

        final List<FallbackRecord> fallbacks = harness.fallbacks();
        assertThat(fallbacks).singleElement().satisfies(fallback -> {
            assertThat(fallback.batchId()).isEqualTo(new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, refused.getFirst()));
            assertThat(fallback.reason()).isEqualTo(FallbackReason.REFUSED_AT_SUBMISSION);
            assertThat(fallback.detail()).contains("inactive");
        });
        // the local chain's deployment made both networks Active; then the test switched lagrange off and on
        await("both status changes of lagrange on the network events topic").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    final List<NetworkEvent.ProvingNetworkStatusUpdated> updates = harness.records(Topics.NETWORK_EVENTS).stream()
                            .map(Map.Entry::getValue)
                            .filter(NetworkEvent.ProvingNetworkStatusUpdated.class::isInstance)
                            .map(NetworkEvent.ProvingNetworkStatusUpdated.class::cast).toList();
                    assertThat(updates).extracting(NetworkEvent.ProvingNetworkStatusUpdated::removed).containsOnly(false);
                    assertThat(updates).filteredOn(update -> update.network() == ProvingNetwork.LAGRANGE)
                            .extracting(NetworkEvent.ProvingNetworkStatusUpdated::active).containsExactly(true, false, true);
                });
        assertThat(harness.records(Topics.DEAD_LETTER)).as("nothing dead-lettered").isEmpty();
    }

    /** Seeds {@code count} ready batches and waits until each is requested on L1 or fallen back. */
    private List<Long> seedAndAwaitSettled(final int count) {
        final List<Long> batches = ReadyBatchSeeder.seed(service.database().dataSource(), service.rollupBlobs()::write, count, new Random(count));
        await("batches " + batches + " requested on L1 or fallen back").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> batches.stream().allMatch(b -> List.of("request_sent_to_l1", "fallen_back")
                        .contains(ServiceHarness.row(service.database().dataSource(), b).get("status"))));
        return batches;
    }

    private void assertRequested(final long batch) {
        assertThat(ServiceHarness.row(service.database().dataSource(), batch)).as("batch " + batch)
                .containsEntry("status", "request_sent_to_l1");
    }

    private ProvingNetwork assignee(final long batch) {
        return ProvingNetwork.fromOnChainValue(harness.request(batch).assignedTo.intValueExact());
    }
}
