package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.contract.ContractErrors;
import io.ethproofmanager.contract.RevertData;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult.OnChainRequestStatus;
import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.SubmitProofValidationResult;
import java.math.BigInteger;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The ProofManager calls of L1 commands: their call data, whether their effect is on chain, and their revert reasons. */
final class ProofManagerCalls {

    private static final ContractErrors ERRORS = ContractErrors.declaredBy(ProofManager.class);
    /** ProofRequestStatus values that mean a validation result is recorded. */
    private static final BigInteger VALIDATED = BigInteger.valueOf(6);
    private static final BigInteger VALIDATION_FAILED = BigInteger.valueOf(7);

    private final ProofManager reader;

    ProofManagerCalls(final ProofManager reader) {
        this.reader = reader;
    }

    static Kind kindOf(final L1Command command) {
        return switch (command) {
            case SubmitProofRequest request -> Kind.SUBMIT_PROOF_REQUEST;
            case SubmitProofValidationResult result -> Kind.SUBMIT_PROOF_VALIDATION_RESULT;
        };
    }

    /** The ABI-encoded call of the command; its values are passed as they are (the contract is the one to refuse them). */
    static String callData(final L1Command command) {
        final List<Type> arguments = switch (command) {
            case SubmitProofRequest request -> List.of(id(command), new ProofRequestParams(
                    BigInteger.valueOf(request.protocolVersion().major()), BigInteger.valueOf(request.protocolVersion().minor()),
                    BigInteger.valueOf(request.protocolVersion().patch()), request.proofInputsUrl(),
                    BigInteger.valueOf(request.timeoutAfterSeconds()), BigInteger.valueOf(request.maxRewardMicroUsdc())));
            case SubmitProofValidationResult result -> List.of(id(command), new Bool(result.proofValid()));
        };
        final String name = command instanceof SubmitProofRequest
                ? ProofManager.FUNC_SUBMITPROOFREQUEST : ProofManager.FUNC_SUBMITPROOFVALIDATIONRESULT;
        return FunctionEncoder.encode(new Function(name, arguments, List.<TypeReference<?>>of()));
    }

    /** Whether the contract already holds the command's effect: the request exists, or its validation is recorded. */
    boolean alreadyOnChain(final L1Command command) {
        final ProofManager.ProofRequest request = read(command.batchId());
        return switch (command) {
            case SubmitProofRequest submit -> request.submittedAt.signum() != 0;
            case SubmitProofValidationResult result ->
                    request.status.equals(VALIDATED) || request.status.equals(VALIDATION_FAILED);
        };
    }

    /** The request's status as the contract reports it now (Refused at once when it assigned nobody or an inactive network). */
    OnChainRequestStatus requestStatus(final BatchId batch) {
        return OnChainRequestStatus.fromOnChainValue(read(batch).status.intValueExact());
    }

    /**
     * The request's status as the contract reported it at the end of block {@code block}, the one its submission was mined
     * in: Refused there means refused at submission, whereas a network that refused the request in a later block makes it
     * Refused now as well.
     */
    OnChainRequestStatus requestStatusAt(final BatchId batch, final long block) {
        synchronized (reader) {
            reader.setDefaultBlockParameter(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
            try {
                final ProofManager.ProofRequest request = read(batch);
                final OnChainRequestStatus status = OnChainRequestStatus.fromOnChainValue(request.status.intValueExact());
                // Refused at submission only when the contract assigned nobody or an inactive network; Refused with an
                // active assignee is that network's refusal, in the same block or (a node's state racing the next
                // block, as anvil's can) just after: pending acknowledgement at submission
                return status == OnChainRequestStatus.REFUSED && assigneeActive(request) ? OnChainRequestStatus.PENDING_ACKNOWLEDGEMENT
                        : status;
            } finally {
                reader.setDefaultBlockParameter(DefaultBlockParameterName.LATEST);
            }
        }
    }

    /** Whether the request's assignee is a network, active (at the reader's block). */
    private boolean assigneeActive(final ProofManager.ProofRequest request) {
        if (request.assignedTo.signum() == 0) {
            return false;
        }
        try {
            return reader.provingNetworkInfo(request.assignedTo).send().status.signum() == 0;
        } catch (final Exception e) {
            throw new L1Node.L1NodeException("cannot read provingNetworkInfo(" + request.assignedTo + ") from the contract",
                    new IllegalStateException(e));
        }
    }

    /** The decoded custom error of revert data, such as {@code DuplicatedProofRequest(271, 7)}. */
    static Optional<ContractErrors.Decoded> decode(final String revertData) {
        return ERRORS.decode(revertData);
    }

    /** The reason of a refused estimation: the decoded custom error, else the node's message. */
    static String reason(final L1Node.Revert revert) {
        return revert.data().flatMap(ProofManagerCalls::decode).map(ContractErrors.Decoded::toString)
                .orElseGet(() -> "undecoded revert: " + revert.message() + revert.data().map(d -> " (data " + d + ")").orElse(""));
    }

    /** The reason of a transaction mined with status 0, found by replaying it at its block. */
    static String reason(final L1Node node, final TransactionReceipt receipt) {
        final Optional<String> data = RevertData.ofFailedTransaction(node.web3j(), receipt);
        return data.flatMap(ProofManagerCalls::decode).map(ContractErrors.Decoded::toString)
                .orElseGet(() -> "undecoded revert" + data.map(d -> " (data " + d + ")").orElse(" (no revert data on replay)"));
    }

    /** Whether a reason names the contract's DuplicatedProofRequest error: the request is on chain. */
    static boolean isDuplicatedRequest(final String reason) {
        return reason.startsWith(ProofManager.DUPLICATEDPROOFREQUEST_ERROR.getName() + "(");
    }

    private ProofManager.ProofRequest read(final BatchId batch) {
        synchronized (reader) {
            return readNow(batch);
        }
    }

    private ProofManager.ProofRequest readNow(final BatchId batch) {
        try {
            return reader.proofRequest(id(batch)).send();
        } catch (final Exception e) {
            throw new L1Node.L1NodeException("cannot read proofRequest(" + batch + ") from the contract",
                    new IllegalStateException(e));
        }
    }

    private static ProofRequestIdentifier id(final L1Command command) {
        return id(command.batchId());
    }

    private static ProofRequestIdentifier id(final BatchId batch) {
        return new ProofRequestIdentifier(BigInteger.valueOf(batch.chainId()), BigInteger.valueOf(batch.batchNumber()));
    }
}
