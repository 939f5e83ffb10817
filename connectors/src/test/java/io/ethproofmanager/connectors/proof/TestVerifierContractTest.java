package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.devkit.chain.LocalChain;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.devkit.chain.contracts.TestVerifier;
import io.ethproofmanager.contract.proof.Bn254;
import io.ethproofmanager.contract.proof.FflonkVerifierInput;
import io.ethproofmanager.devkit.chain.TestVerifierProofs;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TestVerifier on a real anvil chain: its IVerifier.verify(uint256[], uint256[]) accepts the proofs of
 * TestVerifierProofs, plain (24 words) and behind the dual verifier's type word, and refuses a changed word, returning
 * false or reverting with the reason.
 */
class TestVerifierContractTest {

    private static final BatchId BATCH = new BatchId(324, 17);

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

    private static final ProtocolVersion VERSION = new ProtocolVersion(0, 27, 0);

    private static FflonkVerifierInput validInput() {
        return FflonkVerifierInput.of(TestVerifierProofs.valid(VERSION, TestVerifierProofs.demoPublicInput(BATCH), 7));
    }

    @Test
    void acceptsAProofOfTheRulePlainAndBehindTheDualVerifierTypeWord() throws Exception {
        final FflonkVerifierInput input = validInput();

        assertThat(verifier.verify(input.publicInputs(), input.proofWords()).send()).isTrue();
        assertThat(verifier.verify(input.publicInputs(), input.dualVerifierProofWords()).send()).isTrue();
    }

    @Test
    void returnsFalseForAChangedEvaluationOrLastWordOrAnotherPublicInput() throws Exception {
        final FflonkVerifierInput input = validInput();
        for (final int word : List.of(8, 22, 23)) {
            final List<BigInteger> changed = new ArrayList<>(input.proofWords());
            changed.set(word, changed.get(word).add(BigInteger.ONE));
            assertThat(verifier.verify(input.publicInputs(), changed).send()).as("word %d changed", word).isFalse();
        }
        assertThat(verifier.verify(List.of(input.publicInputs().getFirst().add(BigInteger.ONE)), input.proofWords()).send())
                .isFalse();
    }

    @Test
    void revertsWithTheReasonForACommitmentOffTheCurveAnEvaluationOverRAPlonkTypeOrAWrongLength() {
        final FflonkVerifierInput input = validInput();
        final List<BigInteger> offCurve = new ArrayList<>(input.proofWords());
        offCurve.set(5, offCurve.get(5).add(BigInteger.ONE));
        assertReverts(input.publicInputs(), offCurve, "commitment 2 is not on the curve");
        final List<BigInteger> overR = new ArrayList<>(input.proofWords());
        overR.set(10, Bn254.R);
        assertReverts(input.publicInputs(), overR, "evaluation 2 is not below r");
        final List<BigInteger> plonk = new ArrayList<>(input.dualVerifierProofWords());
        plonk.set(0, BigInteger.ONE);
        assertReverts(input.publicInputs(), plonk, "PLONK proofs are not verified here");
        assertReverts(input.publicInputs(), input.proofWords().subList(0, 23), "an FFLONK proof is 24 words");
        assertReverts(List.of(), input.proofWords(), "exactly one public input");
    }

    private static void assertReverts(final List<BigInteger> inputs, final List<BigInteger> words, final String reason) {
        assertThatThrownBy(() -> verifier.verify(inputs, words).send()).hasMessageContaining(reason);
    }

    @Test
    void deployingTheVerifierLastKeepsTheProofManagerAddress() {
        assertThat(chain.proofManagerAddress()).isEqualToIgnoringCase("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
        assertThat(chain.verifierAddress()).isNotEqualToIgnoringCase(chain.proofManagerAddress());
    }
}
