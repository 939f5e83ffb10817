package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.devkit.chain.LocalChain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import io.ethproofmanager.connectors.proof.ProofFormat;
import io.ethproofmanager.schemas.BatchId;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TestVerifier on a real anvil chain accepts exactly the SNARK of ProofFormat's rule, and nothing else. */
class TestVerifierContractTest {

    private static final BatchId BATCH = new BatchId(324, 17);
    private static final String PROOF_INPUTS_URL = "https://blobs.example/324/17/proof-inputs.bin";

    private static LocalChain chain;
    private static TestVerifier verifier;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start();
        verifier = chain.verifier();
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @Test
    void acceptsTheSnarkOfTheBatchPublicInput() throws Exception {
        final byte[] publicInput = ProofFormat.publicInput(BATCH, PROOF_INPUTS_URL);

        assertThat(verifier.verify(publicInput, ProofFormat.testVerifierSnark(publicInput)).send()).isTrue();
    }

    @Test
    void refusesASnarkWithOneByteChanged() throws Exception {
        final byte[] publicInput = ProofFormat.publicInput(BATCH, PROOF_INPUTS_URL);
        final byte[] snark = ProofFormat.testVerifierSnark(publicInput);
        snark[31] ^= 1;

        assertThat(verifier.verify(publicInput, snark).send()).isFalse();
    }

    @Test
    void refusesTheSnarkOfAnotherBatch() throws Exception {
        final byte[] publicInput = ProofFormat.publicInput(BATCH, PROOF_INPUTS_URL);
        final byte[] otherSnark = ProofFormat.testVerifierSnark(ProofFormat.publicInput(new BatchId(324, 18), PROOF_INPUTS_URL));

        assertThat(verifier.verify(publicInput, otherSnark).send()).isFalse();
    }

    @Test
    void refusesTheValidSnarkWithATrailingByteOrTruncated() throws Exception {
        final byte[] publicInput = ProofFormat.publicInput(BATCH, PROOF_INPUTS_URL);
        final byte[] snark = ProofFormat.testVerifierSnark(publicInput);

        assertThat(verifier.verify(publicInput, Arrays.copyOf(snark, 33)).send()).isFalse();
        assertThat(verifier.verify(publicInput, Arrays.copyOf(snark, 31)).send()).isFalse();
        assertThat(verifier.verify(publicInput, new byte[0]).send()).isFalse();
    }

    @Test
    void deployingTheVerifierLastKeepsTheProofManagerAddress() {
        assertThat(chain.proofManagerAddress()).isEqualToIgnoringCase("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
        assertThat(chain.verifierAddress()).isNotEqualToIgnoringCase(chain.proofManagerAddress());
    }
}
