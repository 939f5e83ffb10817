package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The layout of a proof as proving networks submit it: the protocol version it was made for (three big-endian uint32,
 * 12 bytes) followed by the SNARK bytes the verifier checks against the batch's public input.
 *
 * <p>The public input of a batch is {@code keccak256(abi.encode(chainId, batchNumber, keccak256(proofInputsUrl)))}.
 * On local chains the test verifier accepts exactly the SNARK {@code keccak256(abi.encode(publicInput))}, so a valid
 * and an invalid proof are both real cases; production verifiers check a real SNARK against the same public input.
 */
public final class ProofFormat {

    public static final int VERSION_PREFIX_BYTES = 12;

    private ProofFormat() {
    }

    /** A submitted proof split into its parts. */
    public record Parsed(ProtocolVersion protocolVersion, byte[] snark) {

        public Parsed {
            Objects.requireNonNull(protocolVersion, "protocolVersion");
            snark = snark.clone();
        }

        @Override
        public byte[] snark() {
            return snark.clone();
        }
    }

    /** Splits {@code proof}; a proof too short to hold a version and a SNARK is refused with the reason. */
    public static Parsed parse(final byte[] proof) {
        if (proof.length <= VERSION_PREFIX_BYTES) {
            throw new IllegalArgumentException("proof of " + proof.length + " bytes is too short: it needs a "
                    + VERSION_PREFIX_BYTES + "-byte protocol version and a SNARK");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(proof);
        final ProtocolVersion version = new ProtocolVersion(
                unsigned(buffer.getInt()), unsigned(buffer.getInt()), unsigned(buffer.getInt()));
        return new Parsed(version, Arrays.copyOfRange(proof, VERSION_PREFIX_BYTES, proof.length));
    }

    /** Lays a proof out: the version prefix, then the SNARK. */
    public static byte[] encode(final ProtocolVersion version, final byte[] snark) {
        return ByteBuffer.allocate(VERSION_PREFIX_BYTES + snark.length)
                .putInt(version.major()).putInt(version.minor()).putInt(version.patch())
                .put(snark)
                .array();
    }

    /** The batch's public input, as the verifier sees it. */
    public static byte[] publicInput(final BatchId batch, final String proofInputsUrl) {
        final byte[] urlHash = Hash.sha3(proofInputsUrl.getBytes(StandardCharsets.UTF_8));
        final String encoded = TypeEncoder.encode(new Uint256(batch.chainId()))
                + TypeEncoder.encode(new Uint256(batch.batchNumber()))
                + TypeEncoder.encode(new Bytes32(urlHash));
        return Hash.sha3(Numeric.hexStringToByteArray(encoded));
    }

    /** The SNARK the local test verifier accepts for {@code publicInput}. */
    public static byte[] testVerifierSnark(final byte[] publicInput) {
        return Hash.sha3(Numeric.hexStringToByteArray(TypeEncoder.encode(new Bytes32(publicInput))));
    }

    private static int unsigned(final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("protocol version part " + Integer.toUnsignedString(value) + " is out of range");
        }
        return value;
    }
}
