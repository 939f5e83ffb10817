package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * The sender's lanes on a real anvil, broker and PostgreSQL: each lane (submitter account) sends the commands of its
 * partitions, both transactions of a batch through the same lane; and a holder that lost its lane sends nothing more.
 */
class L1SenderLanesTest extends L1SenderTestBase {

    private static final long ROLLUP = 324;

    L1SenderLanesTest() {
        super("lanes");
    }

    @Test
    void eachLaneSendsItsPartitionsCommandsFromItsOwnAccount() throws Exception {
        final List<String> keys = LocalChain.submitterPrivateKeys(2);
        final List<String> accounts = keys.stream().map(key -> Credentials.create(key).getAddress()).toList();
        chain.grantSubmitterRole(accounts.get(1));
        // every request assigned to a network (none refused), so that each can be proven and validated
        chain.proofManager(chain.admin()).updatePreferredProvingNetwork(LocalChain.FERMAH).send();
        final String topic = commands + ".two-partitions";
        createTopic(topic, 2);
        final List<Long> noncesBefore = List.of(pendingNonce(accounts.get(0)), pendingNonce(accounts.get(1)));
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(lanes(keys).withTopics(topic, results), meters);

        final Map<Long, Integer> partitionOf = new HashMap<>();
        for (long batch = 1; batch <= 6; batch++) {
            partitionOf.put(batch, produce(topic, request(batch)));
        }
        final List<L1TransactionResult> requested = awaitResults(6);
        for (long batch = 1; batch <= 6; batch++) {
            final ProofRequestIdentifier id = new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch));
            final boolean toFermah = chain.proofManager(chain.outsider()).proofRequest(id).send().assignedTo.equals(LocalChain.FERMAH);
            final ProofManager network = chain.proofManager(toFermah ? chain.fermah() : chain.lagrange());
            network.acknowledgeProofRequest(id, true).send();
            network.submitProof(id, "proof".getBytes(StandardCharsets.UTF_8), BigInteger.valueOf(3_000_000)).send();
            produce(topic, validation(batch));
        }
        final List<L1TransactionResult> all = awaitResults(12);

        assertThat(requested).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(all.subList(6, 12)).extracting(L1TransactionResult::outcome).containsOnly(Outcome.MINED);
        assertThat(partitionOf.values()).as("the batches fall on both partitions").contains(0, 1);
        final long[] sentPerLane = new long[2];
        for (final L1TransactionResult result : all) {
            final int lane = Lane.ofPartition(partitionOf.get(result.batchNumber()), 2);
            final Transaction tx = chain.web3j().ethGetTransactionByHash(result.txHash()).send().getTransaction().orElseThrow();
            assertThat(tx.getFrom()).as("%s goes through lane %d", result.commandId(), lane).isEqualToIgnoringCase(accounts.get(lane));
            sentPerLane[lane]++;
        }
        assertThat(pendingNonce(accounts.get(0))).isEqualTo(noncesBefore.get(0) + sentPerLane[0]);
        assertThat(pendingNonce(accounts.get(1))).isEqualTo(noncesBefore.get(1) + sentPerLane[1]);
        assertThat(chain.proofManager(chain.outsider()).requestCounter().send()).isEqualTo(BigInteger.valueOf(6));
        final LaneLeases leases = new LaneLeases(database.dataSource());
        assertThat(leases.holder(accounts.get(0))).map(LaneLease::epoch).contains(1L);
        assertThat(leases.holder(accounts.get(1))).map(LaneLease::epoch).contains(1L);
        assertThat(meters.get("epm_l1_sender_lane_owned").tag("lane", "1").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("epm_l1_sender_lane_next_nonce").tag("lane", "0").gauge().value())
                .isEqualTo((double) pendingNonce(accounts.get(0)));
    }

    @Test
    void holderThatLostItsLaneBroadcastsNothingAndTheNewHolderSendsEachCommandOnce() throws Exception {
        final String account = chain.submitter().getAddress();
        final long nonceBefore = nonce();
        final L1TransactionSender first = start(settings(HIGH_CAP, Duration.ofMillis(300)));
        produce(request(21));
        assertThat(awaitResults(1).getFirst().outcome()).isEqualTo(Outcome.MINED);

        // another instance takes the lane (as Kafka would after a rebalance the first did not see yet)
        final LaneLease intruder = new LaneLeases(database.dataSource()).take(account, "another-instance");
        final SubmitProofRequest second = request(22);
        produce(second);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> attempts().of(second.commandId()).isEmpty() && nonce() == nonceBefore + 1);
        assertThat(first.isHealthy()).as("the fenced holder keeps running, waiting for the group").isTrue();

        // a second member joins the group: Kafka assigns the lane again, and its holder takes it anew
        start(settings(HIGH_CAP, Duration.ofMillis(300)));
        final List<L1TransactionResult> results = awaitResults(2);

        assertThat(results.get(1).commandId()).isEqualTo(second.commandId());
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.MINED);
        assertThat(new LaneLeases(database.dataSource()).holder(account)).map(LaneLease::epoch)
                .hasValueSatisfying(epoch -> assertThat(epoch).isGreaterThan(intruder.epoch()));
        assertThat(chain.proofManager(chain.outsider()).requestCounter().send()).isEqualTo(BigInteger.TWO);
        assertThat(nonce()).isEqualTo(nonceBefore + 2);
        assertThat(attempts().unresolvedOf(account)).isEmpty();
        final List<Long> nonces = List.of(request(21), second).stream()
                .flatMap(command -> attempts().of(command.commandId()).stream())
                .map(Attempt::transaction).flatMap(Optional::stream).map(SignedTransaction::nonce).toList();
        assertThat(nonces).as("no nonce used twice").doesNotHaveDuplicates().hasSize(2);
    }

    private L1SenderSettings lanes(final List<String> keys) {
        return L1SenderSettings.from(TestSettings.with(Map.of(
                "epm.l1.rpc-url", chain.rpcUrl(),
                "epm.l1.contract-address", chain.proofManagerAddress(),
                "epm.l1.submitter-keys", String.join(",", keys),
                "epm.l1.max-fee-per-gas-cap", HIGH_CAP.toString(),
                "epm.l1.receipt-timeout", "5s",
                "epm.l1.max-attempts", 3,
                "epm.l1.held-retry-backoff", "300ms")), bootstrap(), group);
    }

    private static void createTopic(final String name, final int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static SubmitProofRequest request(final long batch) {
        return new SubmitProofRequest(SubmitProofRequest.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                "https://blobs.example/" + batch, new ProtocolVersion(0, 29, 2), 4_800, 4_000_000, Instant.now());
    }

    private static SubmitProofValidationResult validation(final long batch) {
        return new SubmitProofValidationResult(SubmitProofValidationResult.commandIdFor(new BatchId(ROLLUP, batch)), ROLLUP, batch,
                true, Instant.now());
    }
}
