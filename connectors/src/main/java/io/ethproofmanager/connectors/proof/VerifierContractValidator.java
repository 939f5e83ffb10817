package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.contract.proof.FflonkVerifierInput;
import io.ethproofmanager.contract.proof.InvalidProofException;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequest;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Validates a proof the way the rollup's L1 would take it. In this order, the first failure deciding:
 * <ol>
 *   <li>the bytes decode as the CBOR of {@code L1BatchProofForL1} ({@link L1BatchProofCodec}: malformed, truncated,
 *       missing field, limb out of range, point at infinity, ... are invalid with their reason);</li>
 *   <li>its variant is one of the accepted ones (default {@code Fflonk}; {@code Plonk} and {@code Airbender} are invalid
 *       with that reason);</li>
 *   <li>its protocol version is the one of the batch's request on the proof manager;</li>
 *   <li>with the rollup's commitments ({@link RollupCommitments}), its public input is
 *       {@code keccak256(abi.encodePacked(prevBatchCommitment, batchCommitment)) >> 32}; without them the proof's own
 *       input is used and the verdict says so;</li>
 *   <li>{@code IVerifier.verify(uint256[] publicInputs, uint256[] proof)} by {@code eth_call} on the verifier, with the
 *       24 words of {@link FflonkVerifierInput} (behind a {@link VerifierKind#DUAL dual} verifier the type word 0 first):
 *       true is valid; false, or a revert (its reason in the verdict), is invalid.</li>
 * </ol>
 * A node or database that cannot answer (RPC failure, no request on chain yet) throws
 * {@link ProofValidatorUnavailableException}: retried, never a verdict.
 */
public final class VerifierContractValidator implements ProofValidator {

    /** The variants accepted by default: the ones this validator converts to verifier words. */
    public static final Set<String> DEFAULT_ACCEPTED_VARIANTS = Set.of(L1BatchProof.Fflonk.VARIANT);

    /** Calls are made from the zero address: they read, they never send. */
    private static final String CALLER = "0x0000000000000000000000000000000000000000";
    private static final String ERROR_STRING_SELECTOR = "0x08c379a0";

    private final Web3j web3j;
    private final ProofManager proofManager;
    private final String proofManagerAddress;
    private final String verifierAddress;
    private final VerifierKind verifierKind;
    private final Set<String> acceptedVariants;
    private final RollupCommitments commitments;

    /** A validator of a dual verifier, accepting Fflonk proofs, without the rollup's commitments. */
    public VerifierContractValidator(final Web3j web3j, final String proofManagerAddress, final String verifierAddress) {
        this(web3j, proofManagerAddress, verifierAddress, VerifierKind.DUAL, DEFAULT_ACCEPTED_VARIANTS, RollupCommitments.NONE);
    }

    public VerifierContractValidator(final Web3j web3j, final String proofManagerAddress, final String verifierAddress,
            final VerifierKind verifierKind, final Set<String> acceptedVariants, final RollupCommitments commitments) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.proofManagerAddress = Objects.requireNonNull(proofManagerAddress, "proofManagerAddress");
        this.verifierAddress = Objects.requireNonNull(verifierAddress, "verifierAddress");
        this.verifierKind = Objects.requireNonNull(verifierKind, "verifierKind");
        this.acceptedVariants = Set.copyOf(new LinkedHashSet<>(Objects.requireNonNull(acceptedVariants, "acceptedVariants")));
        for (final String variant : this.acceptedVariants) {
            if (!L1BatchProofCodec.VARIANTS.contains(variant)) {
                throw new IllegalArgumentException("unknown proof variant '" + variant + "' (known: "
                        + String.join(", ", L1BatchProofCodec.VARIANTS) + ")");
            }
        }
        this.commitments = Objects.requireNonNull(commitments, "commitments");
        this.proofManager = ProofManager.load(proofManagerAddress, web3j, new ReadonlyTransactionManager(web3j, CALLER),
                new DefaultGasProvider());
    }

    @Override
    public Validation validate(final BatchId batch, final byte[] proof) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(proof, "proof");
        final L1BatchProof decoded;
        try {
            decoded = L1BatchProofCodec.decode(proof);
        } catch (final InvalidProofException e) {
            return Validation.refused(e.reason());
        }
        if (!acceptedVariants.contains(decoded.variant())) {
            return Validation.refused("proof variant " + decoded.variant() + " is not accepted (accepted: "
                    + (acceptedVariants.isEmpty() ? "none" : String.join(", ", acceptedVariants.stream().sorted().toList())) + ")");
        }
        if (!(decoded instanceof L1BatchProof.Fflonk fflonk)) {
            return Validation.refused("proof variant " + decoded.variant() + " is accepted by configuration, but only Fflonk"
                    + " proofs convert to the verifier's words");
        }
        final ProofRequest request = request(batch);
        final ProtocolVersion requested = new ProtocolVersion(request.protocolMajor.intValueExact(),
                request.protocolMinor.intValueExact(), request.protocolPatch.intValueExact());
        if (!fflonk.protocolVersion().equals(requested)) {
            return Validation.refused("proof is for protocol version " + fflonk.protocolVersion() + ", the request of batch "
                    + batch + " is for protocol version " + requested);
        }
        final FflonkVerifierInput input = FflonkVerifierInput.of(fflonk);
        final BigInteger proofInput = input.publicInputs().getFirst();
        final Optional<BigInteger> expected = commitments.expectedPublicInput(batch);
        if (expected.isPresent() && !expected.get().equals(proofInput)) {
            return Validation.refused("proof's public input " + Numeric.toHexStringWithPrefix(proofInput) + " is not the batch's "
                    + Numeric.toHexStringWithPrefix(expected.get()) + " = keccak256(commitment " + (batch.batchNumber() - 1)
                    + ", commitment " + batch.batchNumber() + ") >> 32 from the rollup's commitments");
        }
        final String inputSource = expected.isPresent()
                ? "public input matches the rollup's commitments of batches " + (batch.batchNumber() - 1) + " and " + batch.batchNumber()
                : "public input taken from the proof: the rollup's commitments of batches " + (batch.batchNumber() - 1)
                        + " and " + batch.batchNumber() + " are not available";
        return verify(batch, input, inputSource);
    }

    /** The batch's request on the proof manager; a request that is not there (yet) leaves the question open. */
    private ProofRequest request(final BatchId batch) {
        final ProofRequest request;
        try {
            request = proofManager.proofRequest(new ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()),
                    BigInteger.valueOf(batch.batchNumber()))).send();
        } catch (final Exception e) {
            throw new ProofValidatorUnavailableException("cannot read proofRequest(" + batch + ") from the proof manager at "
                    + proofManagerAddress + ": " + e, e);
        }
        if (request.submittedAt.signum() == 0) {
            throw new ProofValidatorUnavailableException("the proof manager at " + proofManagerAddress
                    + " holds no request for batch " + batch + " (is the node behind the proof's block?)");
        }
        return request;
    }

    /** {@code eth_call verify(publicInputs, proof)}: true accepts, false or a revert refuses, anything else stays open. */
    private Validation verify(final BatchId batch, final FflonkVerifierInput input, final String inputSource) {
        final List<BigInteger> words = verifierKind == VerifierKind.DUAL ? input.dualVerifierProofWords() : input.proofWords();
        final Function verify = new Function("verify", List.<Type>of(uint256Array(input.publicInputs()), uint256Array(words)),
                List.<TypeReference<?>>of(new TypeReference<Bool>() { }));
        final EthCall call = call(FunctionEncoder.encode(verify));
        if (call.hasError()) {
            if (isRevert(call.getError())) {
                return Validation.refused("verifier reverted on the proof of batch " + batch + ": " + revertReason(call.getError())
                        + " (" + inputSource + ")");
            }
            throw new ProofValidatorUnavailableException("verify on the verifier at " + verifierAddress + " failed: "
                    + call.getError().getMessage());
        }
        final List<Type> decoded = FunctionReturnDecoder.decode(call.getValue(), verify.getOutputParameters());
        if (decoded.isEmpty()) {
            throw new ProofValidatorUnavailableException("the verifier at " + verifierAddress + " returned no data ("
                    + call.getValue() + "): is a verifier contract deployed there?");
        }
        return Boolean.TRUE.equals(decoded.getFirst().getValue())
                ? Validation.accepted("verifier accepted (" + inputSource + ")")
                : Validation.refused("verifier returned false on the proof of batch " + batch + " (" + inputSource + ")");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TypeReference<Type> castReference(final TypeReference<?> reference) {
        return (TypeReference) reference;
    }

    private static DynamicArray<Uint256> uint256Array(final List<BigInteger> values) {
        return new DynamicArray<>(Uint256.class, values.stream().map(Uint256::new).toList());
    }

    /** The node's message ("execution reverted: reason"), or the decoded {@code Error(string)} / raw data when it says less. */
    private static String revertReason(final Response.Error error) {
        final String message = Optional.ofNullable(error.getMessage()).orElse("execution reverted");
        final String data = Optional.ofNullable(error.getData()).orElse("").replace("\"", "");
        if (data.startsWith(ERROR_STRING_SELECTOR) && !message.contains(":")) {
            final List<Type> reason = FunctionReturnDecoder.decode("0x" + data.substring(ERROR_STRING_SELECTOR.length()),
                    List.<TypeReference<Type>>of(castReference(new TypeReference<org.web3j.abi.datatypes.Utf8String>() { })));
            if (!reason.isEmpty()) {
                return message + ": " + reason.getFirst().getValue();
            }
        }
        return data.startsWith("0x") && !message.contains(":") ? message + " (data " + data + ")" : message;
    }

    /**
     * Whether the node's error is the verifier reverting (JSON-RPC code 3, or "execution reverted"); web3j's
     * {@code EthCall.isReverted()} is not used because it also calls any other error a revert.
     */
    private static boolean isRevert(final Response.Error error) {
        return error.getCode() == 3 || Optional.ofNullable(error.getMessage())
                .map(message -> message.toLowerCase(Locale.ROOT).contains("execution reverted")).orElse(false);
    }

    private EthCall call(final String data) {
        try {
            return web3j.ethCall(Transaction.createEthCallTransaction(CALLER, verifierAddress, data),
                    DefaultBlockParameterName.LATEST).send();
        } catch (final IOException | RuntimeException e) {
            throw new ProofValidatorUnavailableException("cannot call verify on the verifier at " + verifierAddress + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "VerifierContractValidator[proofManager=" + proofManagerAddress + ", verifier=" + verifierAddress + " ("
                + verifierKind.wireName() + "), accepted=" + acceptedVariants + ", commitments=" + commitments + "]";
    }
}
