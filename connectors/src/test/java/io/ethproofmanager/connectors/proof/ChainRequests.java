package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.LogPosition;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.math.BigInteger;
import java.time.Instant;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** Proof requests and proofs on a local chain, the way the submitter and the assigned network make them. */
final class ChainRequests {

    static final ProtocolVersion VERSION = new ProtocolVersion(0, 29, 2);
    private static final BigInteger PROOF_TIMEOUT = BigInteger.valueOf(4_800);
    private static final BigInteger FOUR_USDC = BigInteger.valueOf(4_000_000);
    private static final BigInteger PRICE = BigInteger.valueOf(3_000_000);

    private final LocalChain chain;

    ChainRequests(final LocalChain chain) {
        this.chain = chain;
    }

    /** The URL of the batch's proof inputs, part of its public input. */
    static String proofInputsUrl(final BatchId batch) {
        return "https://blobs.example/" + batch.chainId() + "/" + batch.batchNumber() + "/proof-inputs.bin";
    }

    /**
     * The proof the local verifier accepts for {@code batch}, for {@code version}: the CBOR of an Fflonk
     * {@code L1BatchProofForL1} of the batch's public input from the demo's commitments.
     */
    static byte[] validProof(final BatchId batch, final ProtocolVersion version) {
        return L1BatchProofCodec.encode(validFflonk(batch, version));
    }

    static L1BatchProof.Fflonk validFflonk(final BatchId batch, final ProtocolVersion version) {
        return TestVerifierProofs.valid(version, TestVerifierProofs.demoPublicInput(batch), batch.batchNumber());
    }

    /** Submits the batch's request for {@link #VERSION} (the preferred network must not be None for every 3rd and 4th). */
    void request(final BatchId batch) throws Exception {
        chain.proofManager(chain.submitter()).submitProofRequest(id(batch), new ProofRequestParams(
                BigInteger.valueOf(VERSION.major()), BigInteger.valueOf(VERSION.minor()), BigInteger.valueOf(VERSION.patch()),
                proofInputsUrl(batch), PROOF_TIMEOUT, FOUR_USDC)).send();
    }

    /** Requests the batch, has its assigned network accept and submit {@code proof}; returns the event as ingested. */
    L1Event.ProofRequestProven requestAndProve(final BatchId batch, final byte[] proof) throws Exception {
        request(batch);
        final ProvingNetwork network = ProvingNetwork.fromOnChainValue(
                chain.proofManager(chain.submitter()).proofRequest(id(batch)).send().assignedTo.intValueExact());
        final ProofManager asNetwork = chain.proofManager(LocalChain.networkAccount(network));
        asNetwork.acknowledgeProofRequest(id(batch), true).send();
        final TransactionReceipt proven = asNetwork.submitProof(id(batch), proof, PRICE).send();
        return new L1Event.ProofRequestProven(batch.chainId(), batch.batchNumber(), Numeric.toHexString(proof), network,
                PRICE.longValueExact(), position(proven), false);
    }

    private LogPosition position(final TransactionReceipt receipt) throws Exception {
        final String topic0 = EventEncoder.encode(ProofManager.PROOFREQUESTPROVEN_EVENT);
        final Log log = receipt.getLogs().stream().filter(l -> l.getTopics().getFirst().equals(topic0)).findFirst()
                .orElseThrow(() -> new AssertionError("no ProofRequestProven log in " + receipt.getTransactionHash()));
        final BigInteger timestamp = chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp();
        return new LogPosition(log.getBlockNumber().longValueExact(), log.getBlockHash(), log.getTransactionHash(),
                log.getLogIndex().longValueExact(), Instant.ofEpochSecond(timestamp.longValueExact()));
    }

    static ProofRequestIdentifier id(final BatchId batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()), BigInteger.valueOf(batch.batchNumber()));
    }
}
