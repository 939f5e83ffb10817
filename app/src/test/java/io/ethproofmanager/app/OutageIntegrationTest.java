package io.ethproofmanager.app;

import io.ethproofmanager.connectors.testing.ManagerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure found after outages, reproduced on real components: proof requests queued for the L1 sender, or broadcast
 * and not mined yet, while the manager is down past the not-picked-up deadline; and a proof submitted on time while the
 * manager is down, after which the chain moves past the proving deadline. After the restart no batch is reported as not
 * picked up while its request is on chain, no request this manager made stays Proven, and every batch's status agrees
 * with the contract's {@code proofRequest(id)}. Run twice: the manager stopped in this JVM and started again, and the
 * manager in a JVM of its own killed with {@code kill -9} and a second JVM started on the same data.
 */
class OutageIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private LocalChain chain;
    private ServiceHarness harness;
    private Manager manager;

    /** The manager under test, started and stopped the way a test case says. */
    private interface Manager extends AutoCloseable {

        void start() throws Exception;

        void stop() throws Exception;

        @Override
        void close();
    }

    @BeforeEach
    void startInfrastructure() {
        kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
        chain = LocalChain.start(LocalChain.DEFAULT_CHAIN_ID, 0);
        harness = new ServiceHarness(kafka, postgres, chain, dir.resolve("data"),
                Map.of("epm.deadlines.not-picked-up", "300s", "epm.proof-request.timeout-after", "600s",
                        "epm.l1.receipt-timeout", "2s", "epm.l1.max-attempts", "100"));
        harness.send(chain.admin(), proofManager -> proofManager.updatePreferredProvingNetwork(LocalChain.FERMAH).send());
    }

    @AfterEach
    void stopEverything() {
        if (manager != null) {
            manager.close();
        }
        chain.close();
        postgres.close();
        kafka.close();
    }

    @Test
    void afterAnOutagePastTheDeadlinesEveryBatchAgreesWithTheChainAndNoRequestStaysProven() throws Exception {
        manager = new Manager() {
            private ProofManagerService service;

            @Override
            public void start() {
                service = harness.start();
            }

            @Override
            public void stop() {
                close();
            }

            @Override
            public void close() {
                if (service != null) {
                    service.close();
                    service = null;
                }
            }
        };
        outagePastEveryDeadline();
    }

    @Test
    void afterAKill9PastTheDeadlinesASecondJvmLeavesEveryBatchAgreeingWithTheChain() throws Exception {
        final Path config = harness.writeConfig(dir.resolve("manager.conf"));
        manager = new Manager() {
            private ManagerProcess process;
            private int starts;

            @Override
            public void start() throws Exception {
                starts++;
                process = ManagerProcess.start(Main.class, List.of("--config", config.toString()), Map.of(),
                        dir.resolve("manager-" + starts + ".log"));
                // a start after kill -9 waits for the killed members' consumer sessions to expire
                process.awaitReady(Duration.ofSeconds(120));
            }

            @Override
            public void stop() throws Exception {
                process.kill();
            }

            @Override
            public void close() {
                if (process != null) {
                    process.close();
                }
            }
        };
        outagePastEveryDeadline();
    }

    private void outagePastEveryDeadline() throws Exception {
        // 1. batch P gets its request on L1 and is acknowledged: it will be proven while the manager is down
        manager.start();
        final long proven = seed(1, 1).getFirst();
        awaitStatus(proven, "request_sent_to_l1");
        acknowledge(proven);
        awaitStatus(proven, "acknowledged");

        // 2. the node stops mining: the next requests are broadcast and wait in its pool, the sender waits for receipts
        //    (the first one) while the others wait in the commands topic
        chain.setAutomine(false);
        final List<Long> queued = seed(4, 2);
        await("the first queued request broadcast").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> pendingTransactions(chain.submitter().getAddress()) >= 1);
        manager.stop();

        // 3. while the manager is down: the network proves P on time, in the block that also mines the request from the
        //    pool, after that request's not-picked-up deadline (300 s) and before P's proving deadline (600 s); then the
        //    chain moves past every deadline
        final org.web3j.crypto.Credentials prover = assignee(proven);
        final var proofSent = chain.proofManager(prover).submitProof(id(proven), validProof(proven), BigInteger.valueOf(1_000_000))
                .sendAsync();
        await("the proof in the node's pool").atMost(PATIENCE).until(() -> pendingTransactions(prover.getAddress()) >= 1);
        chain.increaseTime(400);
        chain.mine();
        assertThat(proofSent.get(30, java.util.concurrent.TimeUnit.SECONDS).isStatusOK()).isTrue();
        chain.setAutomine(true);
        chain.increaseTime(3_600);
        chain.mine();

        // 4. the restart: the request in the pool is resolved as mined, the queued ones expire, P is validated
        manager.start();
        final List<Long> all = new java.util.ArrayList<>(queued);
        all.add(proven);
        await("the queued requests resolved").atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(queued).allSatisfy(batch -> assertThat(row(batch).get("status"))
                        .isIn("fallen_back", "request_sent_to_l1")));
        // 5. chain time moves on: the mined request, never acknowledged, ends Unacknowledged on chain
        chain.increaseTime(200);
        chain.mine();
        await("every batch's status settled").atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(all).allSatisfy(batch ->
                        assertThat(settled(batch)).as("batch %d settled", batch).isTrue()));

        // P: proven on time, validated after the restart, not timed out
        assertThat(row(proven)).containsEntry("status", "validation_result_sent_to_l1");
        assertThat(onChainStatus(proven)).isEqualTo(OnChainRequestStatus.VALIDATED);
        // every batch: the status agrees with the contract; nothing on chain is left Proven
        final Map<Long, String> disagreements = new HashMap<>();
        for (final long batch : all) {
            final Map<String, String> row = row(batch);
            final ProofManager.ProofRequest request = harness.request(batch);
            final boolean onChain = request.submittedAt.signum() != 0;
            final String reason = row.getOrDefault("fallback_reason", "");
            if (onChain && reason != null && reason.startsWith("not_picked_up")) {
                disagreements.put(batch, "not_picked_up while its request is on chain: " + row);
            }
            if (!onChain && !"fallen_back".equals(row.get("status"))) {
                disagreements.put(batch, "no request on chain but " + row);
            }
            if (onChain && OnChainRequestStatus.fromOnChainValue(request.status.intValueExact()) == OnChainRequestStatus.PROVEN) {
                disagreements.put(batch, "request left Proven on chain: " + row);
            }
            if (onChain && "fallen_back".equals(row.get("status"))) {
                final OnChainRequestStatus status = OnChainRequestStatus.fromOnChainValue(request.status.intValueExact());
                assertThat(reason).as("batch %d on chain %s", batch, status).startsWith(expectedReason(status));
            }
        }
        assertThat(disagreements).isEmpty();
        // the queued requests: those the node had in its pool were mined and stand; those never sent expired
        final long mined = queued.stream().filter(batch -> harness.request(batch).submittedAt.signum() != 0).count();
        assertThat(mined).as("the request broadcast before the outage is on chain").isGreaterThanOrEqualTo(1);
        assertThat(queued.stream().filter(batch -> row(batch).getOrDefault("fallback_reason", "") != null
                && row(batch).getOrDefault("fallback_reason", "").startsWith("not_picked_up")).count())
                .as("the requests still queued expired, unsent").isEqualTo(queued.size() - mined);
        // exactly one fallback record per fallen-back batch, nothing dead-lettered
        final List<FallbackRecord> fallbacks = harness.fallbacks();
        assertThat(fallbacks).extracting(FallbackRecord::batchId).doesNotHaveDuplicates();
        assertThat(fallbacks).extracting(FallbackRecord::batchNumber).containsExactlyInAnyOrderElementsOf(
                all.stream().filter(batch -> "fallen_back".equals(row(batch).get("status"))).toList());
        assertThat(harness.records(Topics.DEAD_LETTER)).isEmpty();
        // nothing sent twice, nothing reverted on chain
        try (var connection = harness.dataSource().getConnection(); var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM l1_transaction_attempts WHERE state = 'reverted'")) {
            rows.next();
            assertThat(rows.getLong(1)).as("reverted attempts").isZero();
        }
    }

    /** A batch is settled when its row has a final status and, with its request on chain, the chain's status is final too. */
    private boolean settled(final long batch) {
        final String status = row(batch).get("status");
        if (!"fallen_back".equals(status) && !"validation_result_sent_to_l1".equals(status)) {
            return false;
        }
        final ProofManager.ProofRequest request = harness.request(batch);
        return request.submittedAt.signum() == 0
                || OnChainRequestStatus.fromOnChainValue(request.status.intValueExact()) != OnChainRequestStatus.PROVEN;
    }

    /** The fallback reason a request the contract ended in {@code status} must carry. */
    private static String expectedReason(final OnChainRequestStatus status) {
        return switch (status) {
            case REFUSED -> "refused";
            case UNACKNOWLEDGED, PENDING_ACKNOWLEDGEMENT -> "unacknowledged";
            case TIMED_OUT, COMMITTED -> "timed_out";
            case VALIDATION_FAILED -> "invalid_proof";
            default -> "?" + status;
        };
    }

    private List<Long> seed(final int count, final int seed) {
        return ReadyBatchSeeder.seed(harness.dataSource(), harness.rollupBlobs()::write, count, new Random(seed));
    }

    private Map<String, String> row(final long batch) {
        return ServiceHarness.row(harness.dataSource(), batch);
    }

    private void awaitStatus(final long batch, final String status) {
        await("batch " + batch + " " + status).atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> status.equals(row(batch).get("status")));
    }

    private void acknowledge(final long batch) {
        harness.send(assignee(batch), proofManager -> proofManager.acknowledgeProofRequest(id(batch), true).send());
    }

    private org.web3j.crypto.Credentials assignee(final long batch) {
        return LocalChain.networkAccount(ProvingNetwork.fromOnChainValue(harness.request(batch).assignedTo.intValueExact()));
    }

    private byte[] validProof(final long batch) {
        final ProofManager.ProofRequest request = harness.request(batch);
        final ProtocolVersion version = new ProtocolVersion(request.protocolMajor.intValueExact(),
                request.protocolMinor.intValueExact(), request.protocolPatch.intValueExact());
        final BatchId id = new BatchId(ServiceHarness.ROLLUP_CHAIN_ID, batch);
        return L1BatchProofCodec.encode(TestVerifierProofs.valid(version, TestVerifierProofs.demoPublicInput(id), batch));
    }

    private OnChainRequestStatus onChainStatus(final long batch) {
        return OnChainRequestStatus.fromOnChainValue(harness.request(batch).status.intValueExact());
    }

    private long pendingTransactions(final String submitter) throws Exception {
        final BigInteger pending = chain.web3j().ethGetTransactionCount(submitter,
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount();
        final BigInteger latest = chain.web3j().ethGetTransactionCount(submitter,
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount();
        return pending.subtract(latest).longValueExact();
    }

    private static ProofManager.ProofRequestIdentifier id(final long batch) {
        return new ProofManager.ProofRequestIdentifier(BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID), BigInteger.valueOf(batch));
    }
}
