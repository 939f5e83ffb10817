package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.contract.proof.Bn254;
import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.FflonkVerifierInput;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * Proofs in the rollup's format ({@code L1BatchProofForL1}, variant Fflonk) that the local chain's TestVerifier accepts
 * (see its rule in {@code contracts/src/TestVerifier.sol}): commitments on BN254's G1, evaluations below r, and Lagrange
 * basis inverses whose product mod r is {@code keccak256(abi.encodePacked(publicInputs, first 23 words)) mod r}. The
 * simulated proving networks and the tests submit them; everything but the rule's check is drawn from a seed.
 *
 * <p>The demo's batch commitments ({@link #demoCommitment}) stand in for the rollup's, so that a batch's public input is
 * {@code keccak256(abi.encodePacked(commitment(N-1), commitment(N))) >> 32} as on the real rollup.
 */
public final class TestVerifierProofs {

    private TestVerifierProofs() {
    }

    /** The demo's stand-in for the rollup's commitment of {@code batch}: {@code keccak256("demo-commitment" ‖ chainId ‖ batch)}. */
    public static byte[] demoCommitment(final long chainId, final long batchNumber) {
        final byte[] tag = "demo-commitment".getBytes(StandardCharsets.UTF_8);
        return Hash.sha3(ByteBuffer.allocate(tag.length + 16).put(tag).putLong(chainId).putLong(batchNumber).array());
    }

    /** The public input of {@code batch} from the demo's commitments of batches N−1 and N. */
    public static BigInteger demoPublicInput(final BatchId batch) {
        return FflonkVerifierInput.publicInput(demoCommitment(batch.chainId(), batch.batchNumber() - 1),
                demoCommitment(batch.chainId(), batch.batchNumber()));
    }

    /** A proof of {@code publicInput} for {@code version} that the TestVerifier accepts, its other words drawn from {@code seed}. */
    public static L1BatchProof.Fflonk valid(final ProtocolVersion version, final BigInteger publicInput, final long seed) {
        final List<L1BatchProof.G1> commitments = new ArrayList<>();
        for (int i = 0; i < L1BatchProof.SchedulerProof.COMMITMENTS; i++) {
            commitments.add(pointFrom(draw(seed, "commitment", i)));
        }
        final List<BigInteger> evaluations = new ArrayList<>();
        for (int i = 0; i < L1BatchProof.SchedulerProof.EVALUATIONS; i++) {
            evaluations.add(draw(seed, "evaluation", i).mod(Bn254.R));
        }
        final List<BigInteger> inverses = inversesWithProduct(lastWord(publicInput, commitments, evaluations), seed);
        final List<byte[]> coords = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            coords.add(Hash.sha3(bytes(seed, "aggregation", i)));
        }
        return new L1BatchProof.Fflonk(coords, new L1BatchProof.SchedulerProof(0, List.of(publicInput), commitments,
                evaluations, inverses), version);
    }

    /** {@link #valid} with evaluation 0 changed: still well formed, but the TestVerifier returns false on it. */
    public static L1BatchProof.Fflonk withChangedEvaluation(final L1BatchProof.Fflonk proof) {
        final L1BatchProof.SchedulerProof s = proof.schedulerProof();
        final List<BigInteger> evaluations = new ArrayList<>(s.evaluations());
        evaluations.set(0, evaluations.getFirst().add(BigInteger.ONE).mod(Bn254.R));
        return new L1BatchProof.Fflonk(proof.aggregationResultCoords(), new L1BatchProof.SchedulerProof(s.n(), s.inputs(),
                s.commitments(), evaluations, s.lagrangeBasisInverses()), proof.protocolVersion());
    }

    /** The rule's last word: {@code keccak256(abi.encodePacked(publicInput, the 8 commitment words, the 15 evaluations)) mod r}. */
    static BigInteger lastWord(final BigInteger publicInput, final List<L1BatchProof.G1> commitments,
            final List<BigInteger> evaluations) {
        final ByteBuffer packed = ByteBuffer.allocate(32 * (1 + 2 * commitments.size() + evaluations.size()));
        packed.put(word(publicInput));
        for (final L1BatchProof.G1 point : commitments) {
            packed.put(word(point.x())).put(word(point.y()));
        }
        evaluations.forEach(e -> packed.put(word(e)));
        return new BigInteger(1, Hash.sha3(packed.array())).mod(Bn254.R);
    }

    /** 18 non-zero scalars whose product mod r is {@code product}. */
    private static List<BigInteger> inversesWithProduct(final BigInteger product, final long seed) {
        final List<BigInteger> inverses = new ArrayList<>();
        BigInteger partial = BigInteger.ONE;
        for (int i = 0; i < L1BatchProof.SchedulerProof.LAGRANGE_BASIS_INVERSES - 1; i++) {
            final BigInteger value = draw(seed, "lagrange", i).mod(Bn254.R.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            inverses.add(value);
            partial = partial.multiply(value).mod(Bn254.R);
        }
        inverses.add(product.multiply(partial.modInverse(Bn254.R)).mod(Bn254.R));
        return inverses;
    }

    /** The first point of G1 from x = {@code start} mod p upwards. */
    private static L1BatchProof.G1 pointFrom(final BigInteger start) {
        for (BigInteger x = start.mod(Bn254.P);; x = x.add(BigInteger.ONE).mod(Bn254.P)) {
            final BigInteger y = Bn254.yFor(x);
            if (y != null) {
                return new L1BatchProof.G1(x, y);
            }
        }
    }

    private static BigInteger draw(final long seed, final String what, final int index) {
        return new BigInteger(1, Hash.sha3(bytes(seed, what, index)));
    }

    private static byte[] bytes(final long seed, final String what, final int index) {
        final byte[] tag = what.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(tag.length + 12).put(tag).putLong(seed).putInt(index).array();
    }

    private static byte[] word(final BigInteger value) {
        final byte[] word = new byte[32];
        final byte[] raw = value.toByteArray();
        final int length = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - length, word, 32 - length, length);
        return word;
    }
}
