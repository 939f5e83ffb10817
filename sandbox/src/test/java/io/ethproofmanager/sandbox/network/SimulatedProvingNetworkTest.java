package io.ethproofmanager.sandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequest;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.contract.ProofManager.RewardClaimedEventResponse;
import io.ethproofmanager.contract.proof.FflonkVerifierInput;
import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** Simulated Fermah and Lagrange networks against a real anvil chain (one chain for the class, fresh batches per test). */
class SimulatedProvingNetworkTest {

    private static final long ROLLUP_CHAIN_ID = 324;
    private static final ProtocolVersion VERSION = new ProtocolVersion(0, 29, 2);
    private static final BigInteger FOUR_USDC = BigInteger.valueOf(4_000_000);
    private static final BigInteger THREE_USDC = BigInteger.valueOf(3_000_000);
    private static final BigInteger PROOF_TIMEOUT = BigInteger.valueOf(4_800);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Long enough for four polls of a network that would act. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    /** ProofRequestStatus values of the contract. */
    private static final BigInteger PENDING_ACKNOWLEDGEMENT = BigInteger.ZERO;
    private static final BigInteger COMMITTED = BigInteger.ONE;
    private static final BigInteger REFUSED = BigInteger.TWO;
    private static final BigInteger PROVEN = BigInteger.valueOf(4);
    private static final BigInteger TIMED_OUT = BigInteger.valueOf(5);

    private static LocalChain chain;
    private static ProofManager asSubmitter;
    private static long nextBatch = 1;

    @BeforeAll
    static void startChain() throws Exception {
        chain = LocalChain.start();
        asSubmitter = chain.proofManager(chain.submitter());
        asSubmitter.updatePreferredProvingNetwork(LocalChain.LAGRANGE).send();
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @Test
    void validMixAcceptsAndProvesWithTheValidSnarkOnBothNetworks() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "valid=1,delay=0", 1)) {
            final List<BatchId> batches = submit(4);

            final Set<BigInteger> assignees = new HashSet<>();
            for (final BatchId batch : batches) {
                final ProofRequest request = awaitStatus(batch, PROVEN);
                assignees.add(request.assignedTo);
                assertThat(request.proof).isEqualTo(validProof(batch));
                assertThat(verifierAccepts(request.proof)).isTrue();
                assertThat(request.requestedReward).isEqualTo(THREE_USDC);
            }
            assertThat(assignees).containsExactlyInAnyOrder(LocalChain.FERMAH, LocalChain.LAGRANGE);
        }
    }

    @Test
    void refuseMixRefusesItsRequests() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "refuse=1", 1)) {
            for (final BatchId batch : submit(2)) {
                assertThat(awaitStatus(batch, REFUSED).assignedTo).isNotEqualTo(LocalChain.NONE);
            }
        }
    }

    @Test
    void ignoreMixLeavesRequestsPendingAcknowledgement() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "ignore=1", 1)) {
            final List<BatchId> batches = submit(2);
            Thread.sleep(QUIET.toMillis());

            for (final BatchId batch : batches) {
                assertThat(request(batch).status).isEqualTo(PENDING_ACKNOWLEDGEMENT);
            }
        }
    }

    @Test
    void silentMixAcceptsButNeverProves() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "silent=1,delay=0", 1)) {
            final List<BatchId> batches = submit(2);
            batches.forEach(batch -> awaitStatus(batch, COMMITTED));
            Thread.sleep(QUIET.toMillis());

            for (final BatchId batch : batches) {
                assertThat(request(batch).status).isEqualTo(COMMITTED);
            }
        }
    }

    @Test
    void invalidMixSubmitsAProofWhoseSnarkIsNotTheValidOne() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "invalid=1,delay=0", 1)) {
            final BatchId batch = submit(1).getFirst();

            final byte[] proof = awaitStatus(batch, PROVEN).proof;

            assertThat(decoded(proof).protocolVersion()).isEqualTo(VERSION);
            assertThat(proof).isNotEqualTo(validProof(batch));
            assertThat(verifierAccepts(proof)).as("the TestVerifier refuses it").isFalse();
        }
    }

    @Test
    void wrongVersionMixStampsTheValidSnarkWithAnotherVersion() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "wrongVersion=1,delay=0", 1)) {
            final BatchId batch = submit(1).getFirst();

            final byte[] proof = awaitStatus(batch, PROVEN).proof;

            assertThat(decoded(proof).protocolVersion()).isNotEqualTo(VERSION);
            assertThat(verifierAccepts(proof)).as("a valid proof, for the wrong version").isTrue();
        }
    }

    @Test
    void claimsTheRewardOnceItsProofIsValidated() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "valid=1,delay=0,claimEvery=1", 1)) {
            final BatchId batch = submit(1).getFirst();
            final BigInteger network = awaitStatus(batch, PROVEN).assignedTo;
            final BigInteger startBlock = chain.web3j().ethBlockNumber().send().getBlockNumber();

            asSubmitter.submitProofValidationResult(identifier(batch), true).send();

            final RewardClaimedEventResponse claim = await().atMost(WAIT)
                    .until(() -> rewardClaims(startBlock), claims -> !claims.isEmpty()).getFirst();
            assertThat(List.of(claim.by, claim.amount)).containsExactly(network, THREE_USDC);
            assertThat(asSubmitter.provingNetworkInfo(network).send().owedReward).isZero();
        }
    }

    @Test
    void claimsAnOwedRewardOnceTheClaimIntervalPassesBeforeEnoughValidations() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain,
                "valid=1,delay=0,claimEvery=100,claimInterval=1", 1)) {
            final BatchId batch = submit(1).getFirst();
            final BigInteger network = awaitStatus(batch, PROVEN).assignedTo;
            final BigInteger startBlock = chain.web3j().ethBlockNumber().send().getBlockNumber();

            asSubmitter.submitProofValidationResult(identifier(batch), true).send();

            final RewardClaimedEventResponse claim = await().atMost(WAIT)
                    .until(() -> rewardClaims(startBlock), claims -> !claims.isEmpty()).getFirst();
            assertThat(List.of(claim.by, claim.amount)).containsExactly(network, THREE_USDC);
        }
    }

    @Test
    void keepsGoingAfterItsProofRevertsPastTheDeadline() throws Exception {
        try (SimulatedNetworks ignored = SimulatedProvingNetwork.startBoth(chain, "valid=1,delay=2", 1)) {
            final BatchId late = submit(1, BigInteger.valueOf(121)).getFirst();
            awaitStatus(late, COMMITTED);
            chain.increaseTime(200);
            chain.mine();

            final BatchId next = submit(1).getFirst();

            assertThat(awaitStatus(next, PROVEN).proof).isEqualTo(validProof(next));
            assertThat(request(late).status).isEqualTo(TIMED_OUT);
            assertThat(request(late).proof).isEmpty();
        }
    }

    @Test
    void lateMixAcceptsAndSendsAValidProofOnlyOnceTheDeadlineHasPassed() throws Exception {
        try (SimulatedNetworks networks = SimulatedProvingNetwork.startBoth(chain, "late=1,delay=0", 1)) {
            final BatchId batch = submit(1, BigInteger.valueOf(121)).getFirst();
            awaitStatus(batch, COMMITTED);
            Thread.sleep(QUIET.toMillis());
            assertThat(lateProofs(networks)).as("no proof before the deadline").isZero();
            assertThat(request(batch).status).isEqualTo(COMMITTED);

            chain.increaseTime(200);
            chain.mine();

            await().atMost(WAIT).until(() -> lateProofs(networks) == 1);
            assertThat(networks.fermah().lateProofsRefused() + networks.lagrange().lateProofsRefused())
                    .as("the contract refuses a proof past the deadline").isEqualTo(1);
            assertThat(request(batch).status).isEqualTo(TIMED_OUT);
            assertThat(request(batch).proof).isEmpty();
        }
    }

    private static int lateProofs(final SimulatedNetworks networks) {
        return networks.fermah().lateProofs() + networks.lagrange().lateProofs();
    }

    private static List<BatchId> submit(final int count) throws Exception {
        return submit(count, PROOF_TIMEOUT);
    }

    private static List<BatchId> submit(final int count, final BigInteger timeoutAfter) throws Exception {
        final List<BatchId> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final BatchId batch = new BatchId(ROLLUP_CHAIN_ID, nextBatch++);
            asSubmitter.submitProofRequest(identifier(batch), new ProofRequestParams(BigInteger.valueOf(VERSION.major()),
                    BigInteger.valueOf(VERSION.minor()), BigInteger.valueOf(VERSION.patch()), proofInputsUrl(batch),
                    timeoutAfter, FOUR_USDC)).send();
            batches.add(batch);
        }
        return batches;
    }

    private static ProofRequest awaitStatus(final BatchId batch, final BigInteger status) {
        return await().atMost(WAIT).until(() -> request(batch), r -> r.status.equals(status));
    }

    private static ProofRequest request(final BatchId batch) throws Exception {
        return asSubmitter.proofRequest(identifier(batch)).send();
    }

    private static List<RewardClaimedEventResponse> rewardClaims(final BigInteger fromBlock) throws Exception {
        final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(fromBlock),
                DefaultBlockParameterName.LATEST, chain.proofManagerAddress());
        filter.addSingleTopic(EventEncoder.encode(ProofManager.REWARDCLAIMED_EVENT));
        final EthLog logs = chain.web3j().ethGetLogs(filter).send();
        return logs.getLogs().stream().map(l -> ProofManager.getRewardClaimedEventFromLog((Log) l.get())).toList();
    }

    /** The CBOR of the Fflonk proof the TestVerifier accepts for the batch's demo public input. */
    private static byte[] validProof(final BatchId batch) {
        return L1BatchProofCodec.encode(TestVerifierProofs.valid(VERSION, TestVerifierProofs.demoPublicInput(batch),
                batch.batchNumber()));
    }

    private static L1BatchProof.Fflonk decoded(final byte[] proof) throws Exception {
        return (L1BatchProof.Fflonk) L1BatchProofCodec.decode(proof);
    }

    /** The local chain's TestVerifier on the proof's words, behind the dual verifier's type word. */
    private static boolean verifierAccepts(final byte[] proof) throws Exception {
        final FflonkVerifierInput input = FflonkVerifierInput.of(decoded(proof));
        return chain.verifier().verify(input.publicInputs(), input.dualVerifierProofWords()).send();
    }

    private static String proofInputsUrl(final BatchId batch) {
        return "https://blobs.example/proof-inputs/" + batch.batchNumber() + ".bin";
    }

    private static ProofRequestIdentifier identifier(final BatchId batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()), BigInteger.valueOf(batch.batchNumber()));
    }
}
