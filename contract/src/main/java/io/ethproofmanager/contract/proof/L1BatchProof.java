package io.ethproofmanager.contract.proof;

import io.ethproofmanager.schemas.ProtocolVersion;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The rollup's {@code L1BatchProofForL1} (zksync-era {@code prover_interface::outputs}), as proving networks submit it:
 * its {@code inner} is an externally tagged enum, {@code {"inner": {"Fflonk": {...}}}}, with the variants
 * {@link Fflonk}, and {@code Plonk} and {@code Airbender} ({@link Other}: recognised by their tag, not decoded further).
 * {@link L1BatchProofCodec} reads and writes its CBOR (ciborium) encoding.
 */
public sealed interface L1BatchProof permits L1BatchProof.Fflonk, L1BatchProof.Other {

    /** The enum tag: {@code Fflonk}, {@code Plonk} or {@code Airbender}. */
    String variant();

    /** {@code FflonkL1BatchProofForL1}: the aggregation result coordinates, the scheduler's FFLONK proof and its protocol version. */
    record Fflonk(List<byte[]> aggregationResultCoords, SchedulerProof schedulerProof, ProtocolVersion protocolVersion)
            implements L1BatchProof {

        public static final String VARIANT = "Fflonk";

        public Fflonk {
            aggregationResultCoords = aggregationResultCoords.stream().map(byte[]::clone).toList();
            Objects.requireNonNull(schedulerProof, "schedulerProof");
            Objects.requireNonNull(protocolVersion, "protocolVersion");
        }

        @Override
        public List<byte[]> aggregationResultCoords() {
            return aggregationResultCoords.stream().map(byte[]::clone).toList();
        }

        @Override
        public String variant() {
            return VARIANT;
        }
    }

    /** A variant this manager recognises by its tag only ({@code Plonk}, {@code Airbender}). */
    record Other(String variant) implements L1BatchProof {

        public Other {
            Objects.requireNonNull(variant, "variant");
        }
    }

    /**
     * The scheduler's FFLONK proof: {@code n}, the public {@code inputs}, the {@code commitments} (G1 points), the
     * {@code evaluations} and the {@code lagrangeBasisInverses} (scalars below r, in normal form).
     */
    record SchedulerProof(long n, List<BigInteger> inputs, List<G1> commitments, List<BigInteger> evaluations,
            List<BigInteger> lagrangeBasisInverses) {

        /** What an FFLONK proof of the rollup holds. */
        public static final int INPUTS = 1;
        public static final int COMMITMENTS = 4;
        public static final int EVALUATIONS = 15;
        public static final int LAGRANGE_BASIS_INVERSES = 18;

        public SchedulerProof {
            inputs = List.copyOf(inputs);
            commitments = List.copyOf(commitments);
            evaluations = List.copyOf(evaluations);
            lagrangeBasisInverses = List.copyOf(lagrangeBasisInverses);
        }
    }

    /** An affine G1 point that is not the point at infinity. */
    record G1(BigInteger x, BigInteger y) {

        public G1 {
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
        }
    }
}
