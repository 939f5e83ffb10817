package io.ethproofmanager.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Reads the raw revert data of a call or of a failed transaction from the node, by an {@code eth_call} replay. */
public final class RevertData {

    private RevertData() {
    }

    /** The revert data of calling {@code data} on {@code to} as {@code from} at {@code block}; empty when it succeeds. */
    public static Optional<String> ofCall(final Web3j web3j, final String from, final String to, final String data,
            final DefaultBlockParameter block) {
        final EthCall call = send(web3j, Transaction.createEthCallTransaction(from, to, data), block);
        if (!call.hasError()) {
            return Optional.empty();
        }
        return Optional.ofNullable(call.getError().getData()).map(RevertData::unquote);
    }

    /**
     * The revert data of a failed transaction, found by replaying its input at its own block: exact on a chain with one
     * transaction per block (anvil's automine), a best effort elsewhere.
     */
    public static Optional<String> ofFailedTransaction(final Web3j web3j, final TransactionReceipt receipt) {
        Objects.requireNonNull(receipt, "receipt");
        final String input = transactionInput(web3j, receipt.getTransactionHash());
        return ofCall(web3j, receipt.getFrom(), receipt.getTo(), input, DefaultBlockParameter.valueOf(receipt.getBlockNumber()));
    }

    private static String transactionInput(final Web3j web3j, final String hash) {
        try {
            return web3j.ethGetTransactionByHash(hash).send().getTransaction()
                    .orElseThrow(() -> new IllegalStateException("transaction " + hash + " not found on the node"))
                    .getInput();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read transaction " + hash, e);
        }
    }

    private static EthCall send(final Web3j web3j, final Transaction call, final DefaultBlockParameter block) {
        try {
            return web3j.ethCall(call, block).send();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot eth_call " + call.getTo() + " at block " + block.getValue(), e);
        }
    }

    private static String unquote(final String data) {
        final String trimmed = data.trim();
        return trimmed.startsWith("\"") && trimmed.endsWith("\"") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }
}
