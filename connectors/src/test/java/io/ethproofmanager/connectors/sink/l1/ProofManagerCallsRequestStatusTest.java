package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The request status the L1 sender publishes with a mined request is the one at the block it was mined in: a network that
 * refused the request a block later (before the sender read it back) is no refusal at submission. Found by
 * {@code simulate --batches 20 --seed 7 --faults none}: batches 13 and 15 fell back as refused_at_submission although the
 * chain shows Fermah's refusal.
 */
class ProofManagerCallsRequestStatusTest {

    private static final long ROLLUP = 271;
    private static LocalChain chain;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start();
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @Test
    void aRequestRefusedByItsNetworkAfterItWasMinedWasPendingAtItsBlock() throws Exception {
        final ProofManager submitter = chain.proofManager(chain.submitter());
        // request counter 0: assigned to Fermah, pending acknowledgement when mined
        final TransactionReceipt mined = submitter.submitProofRequest(id(1), params()).send();
        final TransactionReceipt refusal = chain.proofManager(chain.fermah()).acknowledgeProofRequest(id(1), false).send();
        // counters 1 and 2: Lagrange, then the preferred network, none: refused at submission
        submitter.submitProofRequest(id(2), params()).send();
        final TransactionReceipt refusedAtOnce = submitter.submitProofRequest(id(3), params()).send();

        final ProofManagerCalls calls = new ProofManagerCalls(chain.proofManager(chain.outsider()));

        assertThat(calls.requestStatus(new BatchId(ROLLUP, 1))).as("now").isEqualTo(OnChainRequestStatus.REFUSED);
        assertThat(calls.requestStatusAt(new BatchId(ROLLUP, 1), mined.getBlockNumber().longValueExact()))
                .as("at the block it was mined in").isEqualTo(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        // a read that sees the network's refusal (in the submission's block, or a node's state racing the next block, as
        // anvil's did in simulate --batches 1000 --seed 23): an active assignee refused it, not the contract at submission
        assertThat(calls.requestStatusAt(new BatchId(ROLLUP, 1), refusal.getBlockNumber().longValueExact()))
                .as("Refused by its active network").isEqualTo(OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
        assertThat(calls.requestStatusAt(new BatchId(ROLLUP, 3), refusedAtOnce.getBlockNumber().longValueExact()))
                .isEqualTo(OnChainRequestStatus.REFUSED);
        assertThat(calls.requestStatus(new BatchId(ROLLUP, 2))).as("reads at the head again").isEqualTo(
                OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT);
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(ROLLUP), BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params() {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(28), BigInteger.ZERO, "https://blobs.example/1",
                BigInteger.valueOf(4_800), BigInteger.valueOf(4_000_000));
    }
}
