package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.chain.JsonRpcProxy;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.connectors.source.l1.PublishedEvents.Published;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ChainTime;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** The ingester against a real anvil chain and the real embedded broker: contents, confirmations, restarts, reorgs, bad nodes. */
class L1LogIngesterTest {

    private static final long L1_CHAIN_ID = 31_337;
    private static final AtomicLong NEXT_ROLLUP_CHAIN = new AtomicLong(70_000);
    private static final AtomicLong NEXT_DEPLOYMENT = new AtomicLong();
    private static final BigInteger PROOF_TIMEOUT = BigInteger.valueOf(4_800);
    private static final BigInteger FOUR_USDC = BigInteger.valueOf(4_000_000);
    private static final String PROOF_INPUTS_URL = "https://blobs.example/proof-inputs.bin";
    private static final byte[] PROOF = "fflonk-proof".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LocalChain chain;
    private static PublishedEvents published;

    private String snapshot;
    private long rollupChain;
    private SimpleMeterRegistry meters;
    private ProofManager asSubmitter;
    private ProofManager asFermah;
    private ProofManager asLagrange;

    @BeforeAll
    static void startChainAndTopics() {
        chain = LocalChain.start(L1_CHAIN_ID);
        final String kafka = SharedInfrastructure.kafka().bootstrapServers();
        SharedInfrastructure.createTopics(kafka, Topics.L1_EVENTS.name(), Topics.NETWORK_EVENTS.name());
        published = new PublishedEvents(kafka);
    }

    @AfterAll
    static void stopChain() {
        published.close();
        chain.close();
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = chain.snapshot();
        rollupChain = NEXT_ROLLUP_CHAIN.incrementAndGet();
        meters = new SimpleMeterRegistry();
        asSubmitter = chain.proofManager(chain.submitter());
        asFermah = chain.proofManager(chain.fermah());
        asLagrange = chain.proofManager(chain.lagrange());
    }

    @AfterEach
    void restoreSnapshot() {
        chain.revert(snapshot);
    }

    @Test
    void publishesEveryEventOfARequestsLifeWithItsPositionKeyAndSchema() throws Exception {
        final L1IngesterSettings settings = settings(Map.of());
        final TransactionReceipt submittedToFermah = asSubmitter.submitProofRequest(id(1), params()).send();
        final TransactionReceipt submittedToLagrange = asSubmitter.submitProofRequest(id(2), params()).send();
        final TransactionReceipt accepted = asFermah.acknowledgeProofRequest(id(1), true).send();
        final TransactionReceipt refused = asLagrange.acknowledgeProofRequest(id(2), false).send();
        final TransactionReceipt proven = asFermah.submitProof(id(1), PROOF, BigInteger.valueOf(3_500_000)).send();
        final TransactionReceipt validated = asSubmitter.submitProofValidationResult(id(1), true).send();
        final TransactionReceipt claimed = asFermah.claimReward().send();

        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            ingestToHead(ingester);
        }

        final List<Published<BatchId, L1Event>> events = awaitL1Events(6);
        assertThat(events).extracting(Published::value).containsExactly(
                new L1Event.ProofRequestSubmitted(rollupChain, 1, ProvingNetwork.FERMAH, PROOF_INPUTS_URL, new ProtocolVersion(0, 29, 2),
                        4_800, 4_000_000, 0, position(submittedToFermah, ProofManager.PROOFREQUESTSUBMITTED_EVENT), false),
                new L1Event.ProofRequestSubmitted(rollupChain, 2, ProvingNetwork.LAGRANGE, PROOF_INPUTS_URL, new ProtocolVersion(0, 29, 2),
                        4_800, 4_000_000, 1, position(submittedToLagrange, ProofManager.PROOFREQUESTSUBMITTED_EVENT), false),
                new L1Event.ProofRequestAcknowledged(rollupChain, 1, true, ProvingNetwork.FERMAH,
                        position(accepted, ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT), false),
                new L1Event.ProofRequestAcknowledged(rollupChain, 2, false, ProvingNetwork.LAGRANGE,
                        position(refused, ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT), false),
                new L1Event.ProofRequestProven(rollupChain, 1, Numeric.toHexString(PROOF), ProvingNetwork.FERMAH, 3_500_000,
                        position(proven, ProofManager.PROOFREQUESTPROVEN_EVENT), false),
                new L1Event.ProofValidationResult(rollupChain, 1, true, ProvingNetwork.FERMAH,
                        position(validated, ProofManager.PROOFVALIDATIONRESULT_EVENT), false));
        assertThat(events).extracting(Published::key).containsExactly(batch(1), batch(2), batch(1), batch(2), batch(1), batch(1));
        assertThat(events).allSatisfy(event -> assertThat(event.schemaViolations()).isEmpty());
        final var rewards = published.networkEvents(Set.of(claimed.getTransactionHash()));
        assertThat(rewards).extracting(Published::value).containsExactly(new NetworkEvent.RewardClaimed(ProvingNetwork.FERMAH, 3_500_000,
                position(claimed, ProofManager.REWARDCLAIMED_EVENT), false));
        assertThat(rewards).extracting(Published::key).containsExactly(ProvingNetwork.FERMAH);
        assertThat(rewards.getFirst().schemaViolations()).isEmpty();
        assertThat(meters.get("epm_l1_ingester_events_published_total").tag("type", "ProofRequestAcknowledged").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void publishesAnEventOnlyOnceItHasTheConfiguredConfirmations() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.l1.confirmations", 3));
        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            ingester.pollOnce();
            final TransactionReceipt submitted = asSubmitter.submitProofRequest(id(1), params()).send();
            final long mined = submitted.getBlockNumber().longValueExact();

            assertThat(ingester.pollOnce()).isZero();
            chain.mine();
            chain.mine();
            assertThat(ingester.pollOnce()).isZero();
            assertThat(ingester.nextBlock()).isEqualTo(mined);
            assertThat(lag()).isEqualTo(3.0);

            chain.mine();
            assertThat(ingester.pollOnce()).isEqualTo(1);
            assertThat(ingester.nextBlock()).isEqualTo(mined + 1);
        }
        assertThat(awaitL1Events(1)).extracting(p -> p.value().log().blockNumber()).containsExactly(chainHead() - 3);
    }

    @Test
    void publishesTheChainTimeOfEveryStepThatAdvancedAfterItsEventsWithoutAKey() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.l1.max-block-range", 1));
        final long first = settings.startBlock();
        final String contract = chain.proofManagerAddress().toLowerCase(Locale.ROOT);
        final int ticksBefore = published.ticks(contract).size();
        chain.mine();
        asSubmitter.submitProofRequest(id(1), params()).send();
        chain.mine();

        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            ingestToHead(ingester);
            assertThat(ingester.pollOnce()).as("a step at the head advances nothing").isZero();
        }

        final List<Published<BatchId, ChainTime>> ticks = published.ticks(contract);
        final List<Published<BatchId, ChainTime>> times = ticks.subList(ticksBefore, ticks.size());
        assertThat(times).extracting(p -> p.value().blockNumber()).containsExactly(first, first + 1, first + 2);
        for (final Published<BatchId, ChainTime> time : times) {
            assertThat(time.key()).as("a tick has no key").isNull();
            assertThat(time.value().contractAddress()).isEqualTo(contract);
            assertThat(time.value().blockTimestamp()).isEqualTo(blockTimestamp(time.value().blockNumber()));
            assertThat(time.schemaViolations()).isEmpty();
        }
        assertThat(awaitL1Events(1)).extracting(p -> p.value().log().blockNumber()).containsExactly(first + 1);
    }

    @Test
    void restartedIngesterContinuesFromTheCommittedCheckpointPublishingEachEventOnce() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.l1.max-block-range", 1, "epm.l1.poll-interval", "20ms"));
        for (int batch = 1; batch <= 6; batch++) {
            asSubmitter.submitProofRequest(id(batch), params()).send();
        }
        try (L1LogIngester first = new L1LogIngester(settings, meters)) {
            first.start();
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("epm-l1-ingester");
            await().atMost(WAIT).until(() -> published.l1Events(rollupChain).size() >= 2);
        }
        for (int batch = 7; batch <= 9; batch++) {
            asSubmitter.submitProofRequest(id(batch), params()).send();
        }
        try (L1LogIngester second = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            assertThat(second.nextBlock()).isGreaterThan(settings.startBlock());
            second.start();
            await().atMost(WAIT).until(() -> published.l1Events(rollupChain).size() >= 9);
            final long head = chainHead();
            await().atMost(WAIT).until(() -> second.nextBlock() > head);
        }

        final var byPosition = published.l1Events(rollupChain).stream()
                .collect(Collectors.groupingBy(p -> p.value().log(), Collectors.counting()));
        assertThat(byPosition).hasSize(9).allSatisfy((position, count) -> assertThat(count).as("copies of %s", position).isEqualTo(1));
    }

    /**
     * Two holders of the ingester's role at once (the new one started while the old one still runs): the new one's
     * producer fences the old one, whose thread stops without publishing again; the new one resumes from the committed
     * checkpoint, and every event is on the topic once.
     */
    @Test
    void aStaleIngesterIsFencedByTheNewHolderAndPublishesNothingMore() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.l1.max-block-range", 1, "epm.l1.poll-interval", "20ms"));
        for (int batch = 1; batch <= 3; batch++) {
            asSubmitter.submitProofRequest(id(batch), params()).send();
        }
        try (L1LogIngester stale = new L1LogIngester(settings, meters)) {
            stale.start();
            await().atMost(WAIT).until(() -> published.l1Events(rollupChain).size() >= 3);
            assertThat(stale.isRunning()).isTrue();
            try (L1LogIngester holder = new L1LogIngester(settings, new SimpleMeterRegistry())) {
                for (int batch = 4; batch <= 6; batch++) {
                    asSubmitter.submitProofRequest(id(batch), params()).send();
                }
                await().atMost(WAIT).until(() -> !stale.isRunning());
                holder.start();
                await().atMost(WAIT).until(() -> published.l1Events(rollupChain).size() >= 6);
                final long head = chainHead();
                await().atMost(WAIT).until(() -> holder.nextBlock() > head);
                assertThat(holder.isRunning()).isTrue();
            }
        }
        final var byPosition = published.l1Events(rollupChain).stream()
                .collect(Collectors.groupingBy(p -> p.value().log(), Collectors.counting()));
        assertThat(byPosition).hasSize(6).allSatisfy((position, count) -> assertThat(count).as("copies of %s", position).isEqualTo(1));
    }

    @Test
    void reorgRetractsTheAbandonedEventAndPublishesItAgainFromTheNewChain() throws Exception {
        final L1IngesterSettings settings = settings(Map.of());
        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            asSubmitter.submitProofRequest(id(1), params()).send();
            ingestToHead(ingester);
            final String beforeAck = chain.snapshot();
            final TransactionReceipt firstAck = asFermah.acknowledgeProofRequest(id(1), true).send();
            ingestToHead(ingester);
            final L1Event firstAckEvent = new L1Event.ProofRequestAcknowledged(rollupChain, 1, true, ProvingNetwork.FERMAH,
                    position(firstAck, ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT), false);
            assertThat(awaitL1Events(2).getLast().value()).isEqualTo(firstAckEvent);

            chain.revert(beforeAck);
            chain.mine();
            chain.mine();
            assertThat(ingester.pollOnce()).isEqualTo(1);
            assertThat(ingester.nextBlock()).isEqualTo(firstAck.getBlockNumber().longValueExact());
            ingestToHead(ingester);
            final TransactionReceipt secondAck = asFermah.acknowledgeProofRequest(id(1), true).send();
            ingestToHead(ingester);

            final List<Published<BatchId, L1Event>> events = awaitL1Events(4);
            assertThat(events).extracting(Published::value).containsExactly(
                    events.getFirst().value(),
                    firstAckEvent,
                    Retractions.of(firstAckEvent),
                    new L1Event.ProofRequestAcknowledged(rollupChain, 1, true, ProvingNetwork.FERMAH,
                            position(secondAck, ProofManager.PROOFREQUESTACKNOWLEDGED_EVENT), false));
            assertThat(events.getLast().value().log().blockHash()).isNotEqualTo(firstAckEvent.log().blockHash());
            assertThat(events).allSatisfy(event -> assertThat(event.schemaViolations()).isEmpty());
            assertThat(meters.get("epm_l1_ingester_reorgs_total").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("epm_l1_ingester_retractions_total").counter().count()).isEqualTo(1.0);
        }
        try (L1LogIngester resumed = new L1LogIngester(settings, new SimpleMeterRegistry())) {
            assertThat(resumed.nextBlock()).isEqualTo(chainHead() + 1);
            chain.mine();
            assertThat(resumed.pollOnce()).as("no reorg seen on the new chain, nothing published again").isZero();
            assertThat(resumed.nextBlock()).isEqualTo(chainHead() + 1);
        }
        assertThat(published.l1Events(rollupChain)).hasSize(4);
    }

    @Test
    void proofOverTheLimitIsPublishedWithItsSizeOnlyAndItsRetractionCarriesNoProof() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.proofs.max-bytes", 64));
        final byte[] bigProof = new byte[200];
        java.util.Arrays.fill(bigProof, (byte) 7);
        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            asSubmitter.submitProofRequest(id(1), params()).send();
            asFermah.acknowledgeProofRequest(id(1), true).send();
            ingestToHead(ingester);
            final String beforeProof = chain.snapshot();
            final TransactionReceipt proven = asFermah.submitProof(id(1), bigProof, BigInteger.valueOf(3_500_000)).send();
            final LogPosition provenAt = position(proven, ProofManager.PROOFREQUESTPROVEN_EVENT);
            ingestToHead(ingester);
            chain.revert(beforeProof);
            chain.mine();
            chain.mine();
            ingestToHead(ingester);

            final List<Published<BatchId, L1Event>> events = awaitL1Events(4);
            final L1Event.ProofRequestProven published = (L1Event.ProofRequestProven) events.get(2).value();
            assertThat(published).isEqualTo(new L1Event.ProofRequestProven(rollupChain, 1, "0x", ProvingNetwork.FERMAH, 3_500_000,
                    provenAt, false, 200L));
            assertThat(published.proofOmitted()).isTrue();
            assertThat(events.get(3).value()).isEqualTo(Retractions.of(published));
            assertThat(((L1Event.ProofRequestProven) events.get(3).value()).proofHex()).isEqualTo("0x");
            assertThat(events).allSatisfy(event -> assertThat(event.schemaViolations()).isEmpty());
        }
    }

    @Test
    void reorgDeeperThanTheWindowRewindsToTheWindowsStartAndRetractsWhatTheWindowHolds() throws Exception {
        final L1IngesterSettings settings = settings(Map.of("epm.l1.reorg-window", 3));
        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            final String beforeRequests = chain.snapshot();
            final TransactionReceipt old = asSubmitter.submitProofRequest(id(1), params()).send();
            ingestToHead(ingester);
            chain.mine();
            chain.mine();
            chain.mine();
            ingestToHead(ingester);
            final TransactionReceipt recent = asSubmitter.submitProofRequest(id(2), params()).send();
            ingestToHead(ingester);
            final long lastRead = recent.getBlockNumber().longValueExact();

            chain.revert(beforeRequests);
            for (int block = 0; block < 8; block++) {
                chain.mine();
            }
            assertThat(ingester.pollOnce()).isEqualTo(1);

            assertThat(ingester.nextBlock()).as("the oldest block of the window, read again").isEqualTo(lastRead - 1);
            final var events = awaitL1Events(3);
            assertThat(events).extracting(p -> p.value().log().transactionHash())
                    .containsExactly(old.getTransactionHash(), recent.getTransactionHash(), recent.getTransactionHash());
            assertThat(events.getLast().value().removed()).isTrue();
        }
    }

    @Test
    void administrationEventsArePublishedKeyedByTheirNetwork() throws Exception {
        final L1IngesterSettings settings = settings(Map.of());
        final TransactionReceipt preferred = asSubmitter.updatePreferredProvingNetwork(LocalChain.LAGRANGE).send();
        final TransactionReceipt inactive = asSubmitter.updateProvingNetworkStatus(LocalChain.FERMAH, LocalChain.INACTIVE).send();
        final String newAddress = chain.outsider().getAddress().toLowerCase();
        final TransactionReceipt moved = asSubmitter.updateProvingNetworkAddress(LocalChain.LAGRANGE, newAddress).send();
        final TransactionReceipt withdrawn = asSubmitter.withdraw(chain.usdcAddress(), BigInteger.valueOf(5)).send();

        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            ingestToHead(ingester);
        }

        final Set<String> transactions = Set.of(preferred.getTransactionHash(), inactive.getTransactionHash(), moved.getTransactionHash(),
                withdrawn.getTransactionHash());
        await().atMost(WAIT).until(() -> published.networkEvents(transactions).size() >= 4);
        final var events = published.networkEvents(transactions);
        assertThat(events).extracting(Published::key)
                .containsExactly(ProvingNetwork.LAGRANGE, ProvingNetwork.FERMAH, ProvingNetwork.LAGRANGE, ProvingNetwork.NONE);
        assertThat(events).extracting(Published::value).containsExactly(
                new NetworkEvent.PreferredProvingNetworkUpdated(ProvingNetwork.LAGRANGE,
                        position(preferred, ProofManager.PREFERREDPROVINGNETWORKUPDATED_EVENT), false),
                new NetworkEvent.ProvingNetworkStatusUpdated(ProvingNetwork.FERMAH, false,
                        position(inactive, ProofManager.PROVINGNETWORKSTATUSUPDATED_EVENT), false),
                new NetworkEvent.ProvingNetworkAddressUpdated(ProvingNetwork.LAGRANGE, newAddress,
                        position(moved, ProofManager.PROVINGNETWORKADDRESSUPDATED_EVENT), false),
                new NetworkEvent.FundsWithdrawn(chain.usdcAddress().toLowerCase(), chain.admin().getAddress().toLowerCase(), "5",
                        position(withdrawn, ProofManager.FUNDSWITHDRAWN_EVENT), false));
        assertThat(events).allSatisfy(event -> assertThat(event.schemaViolations()).isEmpty());
    }

    @Test
    void logsOfAnotherContractOrAnotherRollupChainAreNotPublished() throws Exception {
        final L1IngesterSettings settings = settings(Map.of());
        final ProofManager otherContract = ProofManager.deploy(chain.web3j(), chain.transactionManager(chain.admin()), chain.gasProvider(),
                chain.usdcAddress(), chain.admin().getAddress(), chain.submitter().getAddress()).send();
        chain.usdc(chain.admin()).mint(otherContract.getContractAddress(), LocalChain.INITIAL_FUNDING).send();
        final long otherChain = NEXT_ROLLUP_CHAIN.incrementAndGet();

        otherContract.submitProofRequest(id(1), params()).send();
        asSubmitter.submitProofRequest(new ProofRequestIdentifier(BigInteger.valueOf(otherChain), BigInteger.ONE), params()).send();
        final TransactionReceipt ours = asSubmitter.submitProofRequest(id(2), params()).send();
        try (L1LogIngester ingester = new L1LogIngester(settings, meters)) {
            ingestToHead(ingester);
        }

        assertThat(awaitL1Events(1)).extracting(p -> p.value().log())
                .containsExactly(position(ours, ProofManager.PROOFREQUESTSUBMITTED_EVENT));
        assertThat(published.l1Events(otherChain)).isEmpty();
        assertThat(meters.get("epm_l1_ingester_skipped_logs_total").tag("reason", "other_chain").counter().count()).isEqualTo(1.0);
    }

    @Test
    void logsWithoutTheirBlockTimestampGetItFromTheirBlocksHeaders() throws Exception {
        final long from = chainHead() + 1;
        final List<TransactionReceipt> submitted = new java.util.ArrayList<>();
        for (int batch = 1; batch <= 3; batch++) {
            chain.increaseTime(7);
            submitted.add(asSubmitter.submitProofRequest(id(batch), params()).send());
            chain.mine();
        }
        try (FlakyRpcProxy proxy = FlakyRpcProxy.withoutLogTimestamps(chain.rpcUrl());
                L1LogIngester ingester = new L1LogIngester(settings(Map.of("epm.l1.rpc-url", proxy.url(), "epm.l1.rpc-timeout", "5s",
                        "epm.l1.rpc-retry-backoff-min", "20ms", "epm.l1.rpc-retry-backoff-max", "100ms"), from), meters)) {
            ingestToHead(ingester);
        }

        final List<LogPosition> expected = new java.util.ArrayList<>();
        for (final TransactionReceipt receipt : submitted) {
            expected.add(position(receipt, ProofManager.PROOFREQUESTSUBMITTED_EVENT));
        }
        assertThat(awaitL1Events(3)).extracting(p -> p.value().log()).containsExactlyElementsOf(expected);
    }

    @Test
    void aNodeThatKeepsMissingABlockItSaysItHasIsReportedStuckThenReadOnceItServesIt() throws Exception {
        final long from = chainHead() + 1;
        for (int batch = 1; batch <= 2; batch++) {
            asSubmitter.submitProofRequest(id(batch), params()).send();
            chain.mine();
        }
        final AtomicBoolean missing = new AtomicBoolean(true);
        final String missingBlock = "0x" + Long.toHexString(from);
        final ListAppender<ILoggingEvent> log =
                new ListAppender<>();
        final Logger ingesterLog = (Logger) LoggerFactory.getLogger(L1LogIngester.class);
        log.start();
        ingesterLog.addAppender(log);
        try (JsonRpcProxy proxy = JsonRpcProxy.start(chain.rpcUrl(),
                request -> {
                    if (!missing.get() || request == null) {
                        return JsonRpcProxy.forward();
                    }
                    if (request.isArray()) {
                        return JsonRpcProxy.httpFailure(500, "no batches"); // asked one by one
                    }
                    if ("eth_getBlockByNumber".equals(request.path("method").asText())
                            && missingBlock.equals(request.path("params").path(0).asText())) {
                        return new JsonRpcProxy.Answer(Duration.ZERO, 200,
                                "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":null}");
                    }
                    return JsonRpcProxy.forward();
                });
                L1LogIngester ingester = new L1LogIngester(settings(Map.of("epm.l1.rpc-url", proxy.url()), from), meters)) {
            for (int step = 0; step < L1LogIngester.STUCK_AFTER; step++) {
                assertThat(ingester.pollOnce()).isZero();
            }
            assertThat(ingester.nextBlock()).isEqualTo(from);
            assertThat(log.list).filteredOn(event -> event.getLevel() == Level.ERROR)
                    .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("L1 ingester stuck: " + L1LogIngester.STUCK_AFTER + " steps in a row")
                    .contains("block " + from + " is gone (asked alone, the node answers none)")
                    .contains("reads from block " + from);

            missing.set(false);
            ingestToHead(ingester);
        } finally {
            ingesterLog.detachAppender(log);
        }
        assertThat(awaitL1Events(2)).extracting(p -> p.value().batchNumber()).containsExactly(1L, 2L);
    }

    @Test
    void failingSlowAndNarrowNodeIsRetriedAndEveryEventPublishedOnce() throws Exception {
        final long from = chainHead() + 1;
        for (int batch = 1; batch <= 4; batch++) {
            asSubmitter.submitProofRequest(id(batch), params()).send();
            chain.mine();
        }
        try (FlakyRpcProxy proxy = FlakyRpcProxy.start(chain.rpcUrl(), 3, 2, Duration.ofMillis(1_500), 2);
                L1LogIngester ingester = new L1LogIngester(settings(Map.of("epm.l1.rpc-url", proxy.url(), "epm.l1.rpc-timeout", "400ms",
                        "epm.l1.rpc-retry-backoff-min", "20ms", "epm.l1.rpc-retry-backoff-max", "100ms"), from), meters)) {
            ingestToHead(ingester);
            assertThat(proxy.refusedRanges()).isPositive();
        }

        final var events = awaitL1Events(4);
        assertThat(events).extracting(p -> p.value().batchNumber()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(meters.get("epm_l1_ingester_rpc_failures_total").counter().count()).isGreaterThanOrEqualTo(5.0);
    }

    private L1IngesterSettings settings(final Map<String, Object> overrides) {
        return settings(overrides, chainHead() + 1);
    }

    /** The reference settings on the test chain, from {@code startBlock}, quick to poll and retry, with {@code overrides}. */
    private L1IngesterSettings settings(final Map<String, Object> overrides, final long startBlock) {
        final long deployment = NEXT_DEPLOYMENT.incrementAndGet();
        final Map<String, Object> all = new HashMap<>(Map.of("epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(), "epm.l1.poll-interval", "50ms", "epm.l1.rpc-timeout", "5s",
                "epm.l1.rpc-retry-backoff-min", "20ms", "epm.l1.rpc-retry-backoff-max", "200ms"));
        all.putAll(overrides);
        return L1IngesterSettings.from(TestSettings.with(all), SharedInfrastructure.kafka().bootstrapServers(), "test",
                        Set.of(rollupChain), startBlock)
                .withCheckpoint("test.l1-ingester-checkpoint." + deployment, "test-l1-ingester-" + deployment);
    }

    /** Steps until the ingester has read every block the chain has now. */
    private static void ingestToHead(final L1LogIngester ingester) {
        final long head = chainHead();
        await().atMost(WAIT).until(() -> {
            ingester.pollOnce();
            return ingester.nextBlock() > head;
        });
    }

    private List<Published<BatchId, L1Event>> awaitL1Events(final int count) {
        await().atMost(WAIT).until(() -> published.l1Events(rollupChain).size() >= count);
        final List<Published<BatchId, L1Event>> events = published.l1Events(rollupChain);
        assertThat(events).hasSize(count);
        return events;
    }

    private static Instant blockTimestamp(final long number) {
        try {
            return Instant.ofEpochSecond(chain.web3j().ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
                    .send().getBlock().getTimestamp().longValueExact());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read block " + number + " of " + chain.rpcUrl(), e);
        }
    }

    private double lag() {
        return meters.get("epm_l1_ingester_lag_blocks").gauge().value();
    }

    private static long chainHead() {
        try {
            return chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the head of " + chain.rpcUrl(), e);
        }
    }

    /** Where {@code event}'s log of {@code receipt} sits, with its block's timestamp. */
    private static LogPosition position(final TransactionReceipt receipt, final Event event) throws Exception {
        final String topic0 = EventEncoder.encode(event);
        final Log log = receipt.getLogs().stream().filter(l -> l.getTopics().getFirst().equals(topic0)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + event.getName() + " log in " + receipt.getTransactionHash()));
        final BigInteger timestamp = chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp();
        return new LogPosition(log.getBlockNumber().longValueExact(), log.getBlockHash(), log.getTransactionHash(),
                log.getLogIndex().longValueExact(), Instant.ofEpochSecond(timestamp.longValueExact()));
    }

    private BatchId batch(final long number) {
        return new BatchId(rollupChain, number);
    }

    private ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(rollupChain), BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params() {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO, PROOF_INPUTS_URL, PROOF_TIMEOUT, FOUR_USDC);
    }

}
