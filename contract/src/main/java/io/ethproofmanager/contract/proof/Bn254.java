package io.ethproofmanager.contract.proof;

import java.math.BigInteger;

/** The BN254 (alt_bn128) curve of the rollup's FFLONK proofs: its base field p, scalar field r and G1 equation. */
public final class Bn254 {

    /** The base field order p: G1 coordinates are below it. */
    public static final BigInteger P =
            new BigInteger("21888242871839275222246405745257275088696311157297823662689037894645226208583");
    /** The scalar field order r: public inputs, evaluations and Lagrange basis inverses are below it. */
    public static final BigInteger R =
            new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617");
    private static final BigInteger B = BigInteger.valueOf(3);

    private Bn254() {
    }

    /** Whether (x, y) is on G1: both coordinates below p and y² = x³ + 3 (mod p). */
    public static boolean onCurve(final BigInteger x, final BigInteger y) {
        return inField(x, P) && inField(y, P) && y.multiply(y).mod(P).equals(x.pow(3).add(B).mod(P));
    }

    /** The y of a point with coordinate x on G1 (the smaller root), or null when x³ + 3 is not a square mod p. */
    public static BigInteger yFor(final BigInteger x) {
        final BigInteger rhs = x.pow(3).add(B).mod(P);
        // p = 3 mod 4: a square root of a quadratic residue a is a^((p+1)/4)
        final BigInteger y = rhs.modPow(P.add(BigInteger.ONE).shiftRight(2), P);
        if (!y.multiply(y).mod(P).equals(rhs)) {
            return null;
        }
        final BigInteger other = P.subtract(y).mod(P);
        return y.min(other);
    }

    static boolean inField(final BigInteger value, final BigInteger order) {
        return value.signum() >= 0 && value.compareTo(order) < 0;
    }
}
