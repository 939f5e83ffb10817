package io.ethproofmanager.contract.proof;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the CBOR (ciborium) encoding of {@link L1BatchProof}, as zksync-era serialises
 * {@code L1BatchProofForL1}: structs as maps keyed by field name, {@code [u8; 32]} as arrays of 32 integers, a scalar
 * ({@code Fr}) or coordinate ({@code Fq}) as four u64 limbs, least significant first, in normal form, a G1 point as
 * {@code {x, y, infinity}}, the protocol version as the text {@code "0.{minor}.{patch}"}.
 *
 * <p>Decoding never throws anything but {@link InvalidProofException}, each with its own reason: malformed or
 * truncated CBOR, an unknown variant, a missing field, a limb out of u64 range, a value not below its field's order,
 * a point at infinity, a count other than an FFLONK proof's (1 input, 4 commitments, 15 evaluations, 18 Lagrange
 * basis inverses), a protocol version that is not {@code major.minor.patch}.
 */
public final class L1BatchProofCodec {

    /** The variants of {@code TypedL1BatchProofForL1}. */
    public static final List<String> VARIANTS = List.of(L1BatchProof.Fflonk.VARIANT, "Plonk", "Airbender");

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int COORDS = 4;
    private static final int COORD_BYTES = 32;
    private static final int LIMBS = 4;
    private static final CBORMapper MAPPER = CBORMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private L1BatchProofCodec() {
    }

    /** Decodes {@code cbor}; anything that is not a well-formed {@code L1BatchProofForL1} is refused with the reason. */
    public static L1BatchProof decode(final byte[] cbor) throws InvalidProofException {
        if (cbor == null || cbor.length == 0) {
            throw new InvalidProofException("empty proof");
        }
        final JsonNode root;
        try {
            root = MAPPER.readTree(cbor);
        } catch (final JsonEOFException e) {
            throw new InvalidProofException("truncated CBOR: the proof's " + cbor.length + " bytes end inside a value ("
                    + e.getOriginalMessage() + ")", e);
        } catch (final IOException | RuntimeException e) {
            throw new InvalidProofException("malformed CBOR: " + firstLine(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidProofException("malformed CBOR: no value");
        }
        final JsonNode inner = field(root, "inner", "L1BatchProofForL1");
        if (!inner.isObject() || inner.size() != 1) {
            throw new InvalidProofException("inner must be a map with one variant tag (" + String.join(", ", VARIANTS)
                    + "), was " + describe(inner));
        }
        final Map.Entry<String, JsonNode> tagged = inner.properties().iterator().next();
        final String variant = tagged.getKey();
        if (!VARIANTS.contains(variant)) {
            throw new InvalidProofException("unknown proof variant '" + variant + "' (known: " + String.join(", ", VARIANTS) + ")");
        }
        if (!variant.equals(L1BatchProof.Fflonk.VARIANT)) {
            return new L1BatchProof.Other(variant);
        }
        return fflonk(tagged.getValue(), "inner.Fflonk");
    }

    private static L1BatchProof.Fflonk fflonk(final JsonNode node, final String path) throws InvalidProofException {
        requireMap(node, path);
        final JsonNode coordsNode = field(node, "aggregation_result_coords", path);
        final List<JsonNode> coordItems = array(coordsNode, path + ".aggregation_result_coords", COORDS);
        final List<byte[]> coords = new ArrayList<>();
        for (int i = 0; i < coordItems.size(); i++) {
            coords.add(bytes32(coordItems.get(i), path + ".aggregation_result_coords[" + i + "]"));
        }
        final String proofPath = path + ".scheduler_proof";
        final JsonNode proof = field(node, "scheduler_proof", path);
        requireMap(proof, proofPath);
        final JsonNode n = field(proof, "n", proofPath);
        if (!n.isIntegralNumber() || n.bigIntegerValue().signum() < 0 || n.bigIntegerValue().bitLength() > 63) {
            throw new InvalidProofException(proofPath + ".n must be an unsigned integer, was " + describe(n));
        }
        final List<BigInteger> inputs = scalars(field(proof, "inputs", proofPath), proofPath + ".inputs",
                L1BatchProof.SchedulerProof.INPUTS);
        final List<JsonNode> commitmentItems = array(field(proof, "commitments", proofPath), proofPath + ".commitments",
                L1BatchProof.SchedulerProof.COMMITMENTS);
        final List<L1BatchProof.G1> commitments = new ArrayList<>();
        for (int i = 0; i < commitmentItems.size(); i++) {
            commitments.add(point(commitmentItems.get(i), proofPath + ".commitments[" + i + "]"));
        }
        final List<BigInteger> evaluations = scalars(field(proof, "evaluations", proofPath), proofPath + ".evaluations",
                L1BatchProof.SchedulerProof.EVALUATIONS);
        final List<BigInteger> inverses = scalars(field(proof, "lagrange_basis_inverses", proofPath),
                proofPath + ".lagrange_basis_inverses", L1BatchProof.SchedulerProof.LAGRANGE_BASIS_INVERSES);
        final JsonNode versionNode = field(node, "protocol_version", path);
        if (!versionNode.isTextual()) {
            throw new InvalidProofException(path + ".protocol_version must be text like \"0.27.0\", was " + describe(versionNode));
        }
        final ProtocolVersion version;
        try {
            version = ProtocolVersion.parse(versionNode.textValue());
        } catch (final IllegalArgumentException e) {
            throw new InvalidProofException(path + ".protocol_version '" + versionNode.textValue()
                    + "' is not a protocol version major.minor.patch");
        }
        return new L1BatchProof.Fflonk(coords,
                new L1BatchProof.SchedulerProof(n.longValue(), inputs, commitments, evaluations, inverses), version);
    }

    private static L1BatchProof.G1 point(final JsonNode node, final String path) throws InvalidProofException {
        requireMap(node, path);
        final JsonNode infinity = field(node, "infinity", path);
        if (!infinity.isBoolean()) {
            throw new InvalidProofException(path + ".infinity must be a boolean, was " + describe(infinity));
        }
        if (infinity.booleanValue()) {
            throw new InvalidProofException(path + " is the point at infinity");
        }
        return new L1BatchProof.G1(element(field(node, "x", path), path + ".x", Bn254.P, "base field order p"),
                element(field(node, "y", path), path + ".y", Bn254.P, "base field order p"));
    }

    private static List<BigInteger> scalars(final JsonNode node, final String path, final int count) throws InvalidProofException {
        final List<JsonNode> items = array(node, path, count);
        final List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            values.add(element(items.get(i), path + "[" + i + "]", Bn254.R, "scalar field order r"));
        }
        return values;
    }

    /** Four u64 limbs, least significant first, whose value is below {@code order}. */
    private static BigInteger element(final JsonNode node, final String path, final BigInteger order, final String orderName)
            throws InvalidProofException {
        final List<JsonNode> limbs = array(node, path, LIMBS);
        BigInteger value = BigInteger.ZERO;
        for (int i = LIMBS - 1; i >= 0; i--) {
            final JsonNode limb = limbs.get(i);
            if (!limb.isIntegralNumber()) {
                throw new InvalidProofException("limb " + i + " of " + path + " is not an integer: " + describe(limb));
            }
            final BigInteger limbValue = limb.bigIntegerValue();
            if (limbValue.signum() < 0 || limbValue.compareTo(TWO_TO_64) >= 0) {
                throw new InvalidProofException("limb " + i + " of " + path + " is out of range: " + limbValue
                        + " is not a u64");
            }
            value = value.shiftLeft(64).or(limbValue);
        }
        if (value.compareTo(order) >= 0) {
            throw new InvalidProofException(path + " = " + value + " is not below the " + orderName);
        }
        return value;
    }

    private static byte[] bytes32(final JsonNode node, final String path) throws InvalidProofException {
        final List<JsonNode> items = array(node, path, COORD_BYTES);
        final byte[] bytes = new byte[COORD_BYTES];
        for (int i = 0; i < COORD_BYTES; i++) {
            final JsonNode item = items.get(i);
            if (!item.isIntegralNumber() || item.bigIntegerValue().signum() < 0 || item.bigIntegerValue().compareTo(BigInteger.valueOf(255)) > 0) {
                throw new InvalidProofException("byte " + i + " of " + path + " is out of range: " + describe(item) + " is not a u8");
            }
            bytes[i] = (byte) item.intValue();
        }
        return bytes;
    }

    private static List<JsonNode> array(final JsonNode node, final String path, final int count) throws InvalidProofException {
        if (!node.isArray()) {
            throw new InvalidProofException(path + " must be an array, was " + describe(node));
        }
        if (node.size() != count) {
            throw new InvalidProofException(path + " has " + node.size() + " elements, an FFLONK proof has " + count);
        }
        final List<JsonNode> items = new ArrayList<>(count);
        node.forEach(items::add);
        return items;
    }

    private static void requireMap(final JsonNode node, final String path) throws InvalidProofException {
        if (!node.isObject()) {
            throw new InvalidProofException(path + " must be a map, was " + describe(node));
        }
    }

    private static JsonNode field(final JsonNode node, final String name, final String path) throws InvalidProofException {
        requireMap(node, path);
        final JsonNode value = node.get(name);
        if (value == null || value.isMissingNode() || value.isNull()) {
            throw new InvalidProofException("missing field " + path + "." + name);
        }
        return value;
    }

    private static String describe(final JsonNode node) {
        final String kind = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        final String text = node.toString();
        return kind + " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text);
    }

    private static String firstLine(final Exception e) {
        final String message = e instanceof com.fasterxml.jackson.core.JacksonException jackson
                ? jackson.getOriginalMessage() : String.valueOf(e.getMessage());
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Encodes {@code proof} as ciborium does: definite lengths, shortest integer heads, fields in declaration order. */
    public static byte[] encode(final L1BatchProof.Fflonk proof) {
        final Cbor out = new Cbor();
        out.map(1).text("inner").map(1).text(L1BatchProof.Fflonk.VARIANT).map(3);
        out.text("aggregation_result_coords").array(proof.aggregationResultCoords().size());
        for (final byte[] coord : proof.aggregationResultCoords()) {
            out.array(coord.length);
            for (final byte b : coord) {
                out.unsigned(BigInteger.valueOf(b & 0xff));
            }
        }
        final L1BatchProof.SchedulerProof scheduler = proof.schedulerProof();
        out.text("scheduler_proof").map(6);
        out.text("n").unsigned(BigInteger.valueOf(scheduler.n()));
        out.text("inputs");
        elements(out, scheduler.inputs());
        out.text("commitments").array(scheduler.commitments().size());
        for (final L1BatchProof.G1 point : scheduler.commitments()) {
            out.map(3).text("x");
            limbs(out, point.x());
            out.text("y");
            limbs(out, point.y());
            out.text("infinity").bool(false);
        }
        out.text("evaluations");
        elements(out, scheduler.evaluations());
        out.text("lagrange_basis_inverses");
        elements(out, scheduler.lagrangeBasisInverses());
        out.text("_c").nul();
        out.text("protocol_version").text(proof.protocolVersion().toString());
        return out.bytes();
    }

    private static void elements(final Cbor out, final List<BigInteger> values) {
        out.array(values.size());
        values.forEach(value -> limbs(out, value));
    }

    private static void limbs(final Cbor out, final BigInteger value) {
        out.array(LIMBS);
        for (int i = 0; i < LIMBS; i++) {
            out.unsigned(value.shiftRight(64 * i).mod(TWO_TO_64));
        }
    }

    /** The few CBOR items an {@code L1BatchProofForL1} needs, in their shortest form. */
    private static final class Cbor {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Cbor map(final int entries) {
            return head(5, BigInteger.valueOf(entries));
        }

        Cbor array(final int items) {
            return head(4, BigInteger.valueOf(items));
        }

        Cbor text(final String text) {
            final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            head(3, BigInteger.valueOf(utf8.length));
            out.writeBytes(utf8);
            return this;
        }

        Cbor unsigned(final BigInteger value) {
            return head(0, value);
        }

        Cbor bool(final boolean value) {
            out.write(value ? 0xf5 : 0xf4);
            return this;
        }

        Cbor nul() {
            out.write(0xf6);
            return this;
        }

        private Cbor head(final int major, final BigInteger argument) {
            final long value = argument.longValue();
            final int type = major << 5;
            if (argument.compareTo(BigInteger.valueOf(24)) < 0) {
                out.write(type | (int) value);
            } else if (argument.bitLength() <= 8) {
                out.write(type | 24);
                out.write((int) value);
            } else if (argument.bitLength() <= 16) {
                out.write(type | 25);
                bigEndian(value, 2);
            } else if (argument.bitLength() <= 32) {
                out.write(type | 26);
                bigEndian(value, 4);
            } else {
                out.write(type | 27);
                bigEndian(value, 8);
            }
            return this;
        }

        private void bigEndian(final long value, final int bytes) {
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((int) (value >>> (8 * i)) & 0xff);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
