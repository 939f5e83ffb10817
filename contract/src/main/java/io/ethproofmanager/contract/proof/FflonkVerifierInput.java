package io.ethproofmanager.contract.proof;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * What the rollup's L1 verifier, {@code IVerifier.verify(uint256[] publicInputs, uint256[] proof)}, takes for an FFLONK
 * proof: the scheduler proof's public inputs, and the 24 proof words: the 4 commitments as (x, y) pairs (8 words), the
 * 15 evaluations, then the product modulo r of the 18 Lagrange basis inverses. Behind a dual verifier the proof is
 * preceded by the verifier type word ({@link #FFLONK_VERIFIER_TYPE}).
 */
public record FflonkVerifierInput(List<BigInteger> publicInputs, List<BigInteger> proofWords) {

    /** The number of proof words of an FFLONK proof (without a verifier type word). */
    public static final int PROOF_WORDS = 24;
    /** The first proof word a dual verifier expects before an FFLONK proof (1 is PLONK). */
    public static final BigInteger FFLONK_VERIFIER_TYPE = BigInteger.ZERO;

    public FflonkVerifierInput {
        publicInputs = List.copyOf(publicInputs);
        proofWords = List.copyOf(proofWords);
        if (proofWords.size() != PROOF_WORDS) {
            throw new IllegalArgumentException("an FFLONK proof is " + PROOF_WORDS + " words, was " + proofWords.size());
        }
    }

    /** The verifier's input for {@code proof}. */
    public static FflonkVerifierInput of(final L1BatchProof.Fflonk proof) {
        Objects.requireNonNull(proof, "proof");
        final L1BatchProof.SchedulerProof scheduler = proof.schedulerProof();
        final List<BigInteger> words = new ArrayList<>(PROOF_WORDS);
        for (final L1BatchProof.G1 commitment : scheduler.commitments()) {
            words.add(commitment.x());
            words.add(commitment.y());
        }
        words.addAll(scheduler.evaluations());
        words.add(scheduler.lagrangeBasisInverses().stream().reduce(BigInteger.ONE, (a, b) -> a.multiply(b).mod(Bn254.R)));
        return new FflonkVerifierInput(scheduler.inputs(), words);
    }

    /** The proof words as a dual verifier takes them: the FFLONK type word, then the 24 words. */
    public List<BigInteger> dualVerifierProofWords() {
        final List<BigInteger> words = new ArrayList<>(PROOF_WORDS + 1);
        words.add(FFLONK_VERIFIER_TYPE);
        words.addAll(proofWords);
        return List.copyOf(words);
    }

    /** {@code keccak256(abi.encode(uint256[] words))}, as 0x-prefixed hex (the vector's oracle hashes are of this form). */
    public static String abiEncodedHash(final List<BigInteger> words) {
        final StringBuilder encoded = new StringBuilder();
        encoded.append(word(BigInteger.valueOf(32))).append(word(BigInteger.valueOf(words.size())));
        words.forEach(w -> encoded.append(word(w)));
        return Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(encoded.toString())));
    }

    /**
     * A batch's public input from the rollup's commitments of batches N−1 and N:
     * {@code keccak256(abi.encodePacked(prevBatchCommitment, batchCommitment)) >> 32}.
     */
    public static BigInteger publicInput(final byte[] previousCommitment, final byte[] commitment) {
        if (previousCommitment.length != 32 || commitment.length != 32) {
            throw new IllegalArgumentException("batch commitments are 32 bytes, were " + previousCommitment.length + " and "
                    + commitment.length);
        }
        final byte[] packed = new byte[64];
        System.arraycopy(previousCommitment, 0, packed, 0, 32);
        System.arraycopy(commitment, 0, packed, 32, 32);
        return new BigInteger(1, Hash.sha3(packed)).shiftRight(32);
    }

    private static String word(final BigInteger value) {
        return Numeric.toHexStringNoPrefixZeroPadded(value, 64);
    }
}
