package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequest;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Validates a proof on L1: reads the batch's request from the proof manager (protocol version, proof inputs URL), checks
 * the proof's layout and version, then asks the verifier contract's {@code verify(bytes32 publicInput, bytes snark)}.
 */
public final class VerifierContractValidator implements ProofValidator {

    /** Calls are made from the zero address: they read, they never send. */
    private static final String CALLER = "0x0000000000000000000000000000000000000000";

    private final Web3j web3j;
    private final ProofManager proofManager;
    private final String proofManagerAddress;
    private final String verifierAddress;

    public VerifierContractValidator(final Web3j web3j, final String proofManagerAddress, final String verifierAddress) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.proofManagerAddress = Objects.requireNonNull(proofManagerAddress, "proofManagerAddress");
        this.verifierAddress = Objects.requireNonNull(verifierAddress, "verifierAddress");
        this.proofManager = ProofManager.load(proofManagerAddress, web3j, new ReadonlyTransactionManager(web3j, CALLER),
                new DefaultGasProvider());
    }

    @Override
    public Validation validate(final BatchId batch, final byte[] proof) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(proof, "proof");
        if (proof.length == 0) {
            return Validation.refused("empty proof");
        }
        final ProofFormat.Parsed parsed;
        try {
            parsed = ProofFormat.parse(proof);
        } catch (final IllegalArgumentException e) {
            return Validation.refused(e.getMessage());
        }
        final ProofRequest request = request(batch);
        final ProtocolVersion requested = new ProtocolVersion(request.protocolMajor.intValueExact(),
                request.protocolMinor.intValueExact(), request.protocolPatch.intValueExact());
        if (!parsed.protocolVersion().equals(requested)) {
            return Validation.refused("proof is for protocol version " + parsed.protocolVersion() + ", the request of batch "
                    + batch + " is for protocol version " + requested);
        }
        final byte[] publicInput = ProofFormat.publicInput(batch, request.proofInputsUrl);
        return verify(batch, publicInput, parsed.snark());
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

    /** {@code eth_call verify(publicInput, snark)}: true accepts, false or a revert refuses, anything else stays open. */
    private Validation verify(final BatchId batch, final byte[] publicInput, final byte[] snark) {
        final Function verify = new Function("verify", List.<Type>of(new Bytes32(publicInput), new DynamicBytes(snark)),
                List.<TypeReference<?>>of(new TypeReference<Bool>() { }));
        final EthCall call = call(FunctionEncoder.encode(verify));
        if (call.hasError()) {
            if (isRevert(call.getError())) {
                return Validation.refused("verifier refused the proof of batch " + batch + ": verify reverted ("
                        + call.getError().getMessage() + ")");
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
                ? Validation.accepted("verifier accepted")
                : Validation.refused("verifier refused the proof of batch " + batch);
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
        return "VerifierContractValidator[proofManager=" + proofManagerAddress + ", verifier=" + verifierAddress + "]";
    }
}
