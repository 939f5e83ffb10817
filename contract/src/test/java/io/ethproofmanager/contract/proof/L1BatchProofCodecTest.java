package io.ethproofmanager.contract.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real proof vector decodes and converts to the verifier's words (oracle hashes); each kind of bad proof has its reason. */
class L1BatchProofCodecTest {

    private static final byte[] REAL = TestVectors.realProof();

    @Test
    void theRealProofDecodesAsFflonkForProtocol0_27_0() throws Exception {
        final L1BatchProof.Fflonk proof = (L1BatchProof.Fflonk) L1BatchProofCodec.decode(REAL);

        assertThat(proof.variant()).isEqualTo("Fflonk");
        assertThat(proof.protocolVersion()).isEqualTo(new ProtocolVersion(0, 27, 0));
        assertThat(proof.aggregationResultCoords()).hasSize(4).allSatisfy(coord -> assertThat(coord).hasSize(32));
        assertThat(proof.schedulerProof().inputs()).hasSize(1);
        assertThat(proof.schedulerProof().commitments()).hasSize(4)
                .allSatisfy(point -> assertThat(Bn254.onCurve(point.x(), point.y())).isTrue());
        assertThat(proof.schedulerProof().evaluations()).hasSize(15);
        assertThat(proof.schedulerProof().lagrangeBasisInverses()).hasSize(18);
    }

    @Test
    void theRealProofConvertsToTheOracleWords() throws Exception {
        final FflonkVerifierInput input = FflonkVerifierInput.of((L1BatchProof.Fflonk) L1BatchProofCodec.decode(REAL));

        assertThat(input.proofWords()).hasSize(24);
        assertThat(FflonkVerifierInput.abiEncodedHash(input.publicInputs())).isEqualTo(TestVectors.ORACLE_PUBLIC_INPUTS_HASH);
        assertThat(FflonkVerifierInput.abiEncodedHash(input.proofWords())).isEqualTo(TestVectors.ORACLE_PROOF_WORDS_HASH);
        assertThat(input.dualVerifierProofWords()).hasSize(25).startsWith(BigInteger.ZERO);
        assertThat(input.dualVerifierProofWords().subList(1, 25)).isEqualTo(input.proofWords());
    }

    @Test
    void encodingTheDecodedProofGivesBackTheNetworksBytes() throws Exception {
        assertThat(L1BatchProofCodec.encode((L1BatchProof.Fflonk) L1BatchProofCodec.decode(REAL))).isEqualTo(REAL);
    }

    @Test
    void plonkAndAirbenderAreRecognisedByTheirTag() throws Exception {
        assertThat(L1BatchProofCodec.decode(cborTagged("Plonk"))).isEqualTo(new L1BatchProof.Other("Plonk"));
        assertThat(L1BatchProofCodec.decode(cborTagged("Airbender"))).isEqualTo(new L1BatchProof.Other("Airbender"));
    }

    @Test
    void anUnknownVariantIsRefused() {
        assertReason(cborTagged("Groth1"), "unknown proof variant 'Groth1'");
    }

    @Test
    void truncatedCborIsRefusedAsTruncated() {
        for (final int length : List.of(1, 20, REAL.length / 2, REAL.length - 1)) {
            assertReason(Arrays.copyOf(REAL, length), "truncated CBOR");
        }
    }

    @Test
    void malformedCborAndTrailingBytesAreRefusedAsMalformed() {
        assertReason(new byte[] {(byte) 0xff, 0x01}, "malformed CBOR");
        final byte[] trailing = Arrays.copyOf(REAL, REAL.length + 1);
        assertReason(trailing, "malformed CBOR");
        assertReason(new byte[0], "empty proof");
    }

    @Test
    void aMissingFieldIsNamed() {
        final byte[] renamed = replace(REAL, "evaluations", "evaluationz");
        assertReason(renamed, "missing field inner.Fflonk.scheduler_proof.evaluations");
        assertReason(replace(REAL, "protocol_version", "protocol_versioN"), "missing field inner.Fflonk.protocol_version");
    }

    @Test
    void aLimbOutOfRangeIsRefused() {
        // "evaluations", its array of 15 (0x8f), the first evaluation's 4 limbs (0x84), then the first limb's head
        final byte[] negative = REAL.clone();
        final int at = indexOf(negative, "evaluations".getBytes(), 0) + "evaluations".length();
        assertThat(Arrays.copyOfRange(negative, at, at + 2)).containsExactly(0x8f, 0x84);
        assertThat(negative[at + 2] >> 5 & 0x7).as("an unsigned integer").isZero();
        negative[at + 2] |= 0x20; // major type 1: the same argument as a negative integer
        assertReason(negative, "limb 0 of inner.Fflonk.scheduler_proof.evaluations[0] is out of range");
    }

    @Test
    void aValueNotBelowItsFieldOrderIsRefused() throws Exception {
        final L1BatchProof.Fflonk proof = (L1BatchProof.Fflonk) L1BatchProofCodec.decode(REAL);
        final List<BigInteger> evaluations = new ArrayList<>(proof.schedulerProof().evaluations());
        evaluations.set(4, Bn254.R);
        assertReason(L1BatchProofCodec.encode(withEvaluations(proof, evaluations)),
                "inner.Fflonk.scheduler_proof.evaluations[4] = " + Bn254.R + " is not below the scalar field order r");
    }

    @Test
    void thePointAtInfinityIsRefused() {
        final byte[] infinite = REAL.clone();
        final int at = indexOf(infinite, "infinity".getBytes(), 0) + "infinity".length();
        assertThat(infinite[at]).isEqualTo((byte) 0xf4);
        infinite[at] = (byte) 0xf5;
        assertReason(infinite, "inner.Fflonk.scheduler_proof.commitments[0] is the point at infinity");
    }

    @Test
    void aWrongCountIsRefused() throws Exception {
        final L1BatchProof.Fflonk proof = (L1BatchProof.Fflonk) L1BatchProofCodec.decode(REAL);
        assertReason(L1BatchProofCodec.encode(withEvaluations(proof, proof.schedulerProof().evaluations().subList(0, 14))),
                "inner.Fflonk.scheduler_proof.evaluations has 14 elements, an FFLONK proof has 15");
    }

    @Test
    void aProtocolVersionThatIsNotMajorMinorPatchIsRefused() {
        assertReason(replace(REAL, "0.27.0", "0.27.x"), "protocol_version '0.27.x' is not a protocol version");
    }

    static L1BatchProof.Fflonk withEvaluations(final L1BatchProof.Fflonk proof, final List<BigInteger> evaluations) {
        final L1BatchProof.SchedulerProof s = proof.schedulerProof();
        return new L1BatchProof.Fflonk(proof.aggregationResultCoords(), new L1BatchProof.SchedulerProof(s.n(), s.inputs(),
                s.commitments(), evaluations, s.lagrangeBasisInverses()), proof.protocolVersion());
    }

    private static void assertReason(final byte[] proof, final String reason) {
        assertThatThrownBy(() -> L1BatchProofCodec.decode(proof)).isInstanceOf(InvalidProofException.class)
                .hasMessageContaining(reason);
    }

    /** {"inner": {tag: {}}}. */
    private static byte[] cborTagged(final String tag) {
        final byte[] tagBytes = tag.getBytes();
        final byte[] out = new byte[1 + 6 + 1 + 1 + tagBytes.length + 1];
        int i = 0;
        out[i++] = (byte) 0xa1;
        out[i++] = 0x65;
        for (final byte b : "inner".getBytes()) {
            out[i++] = b;
        }
        out[i++] = (byte) 0xa1;
        out[i++] = (byte) (0x60 | tagBytes.length);
        for (final byte b : tagBytes) {
            out[i++] = b;
        }
        out[i] = (byte) 0xa0;
        return Arrays.copyOf(out, i + 1);
    }

    private static byte[] replace(final byte[] data, final String from, final String to) {
        assertThat(to).hasSameSizeAs(from);
        final byte[] copy = data.clone();
        final int at = indexOf(copy, from.getBytes(), 0);
        System.arraycopy(to.getBytes(), 0, copy, at, to.length());
        return copy;
    }

    private static int indexOf(final byte[] data, final byte[] what, final int from) {
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + new String(what));
    }
}
