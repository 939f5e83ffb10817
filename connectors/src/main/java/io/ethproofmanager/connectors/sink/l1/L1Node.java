package io.ethproofmanager.connectors.sink.l1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** The JSON-RPC calls the L1 sender makes: chain id, nonce, fees, estimation by {@code eth_call}, signing, broadcast, receipts. */
final class L1Node {

    private final Web3j web3j;

    L1Node(final Web3j web3j) {
        this.web3j = web3j;
    }

    Web3j web3j() {
        return web3j;
    }

    long chainId() {
        return call("read the chain id", () -> web3j.ethChainId().send()).getChainId().longValueExact();
    }

    long pendingTransactionCount(final String address) {
        return call("read the pending nonce of " + address,
                () -> web3j.ethGetTransactionCount(address, DefaultBlockParameterName.PENDING).send())
                .getTransactionCount().longValueExact();
    }

    /** {@code eth_getTransactionCount(address, "latest")}: the nonces of {@code address} mined in the canonical chain. */
    long minedTransactionCount(final String address) {
        return call("read the mined nonce count of " + address,
                () -> web3j.ethGetTransactionCount(address, DefaultBlockParameterName.LATEST).send())
                .getTransactionCount().longValueExact();
    }

    BigInteger balance(final String address) {
        return call("read the balance of " + address,
                () -> web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send()).getBalance();
    }

    /** EIP-1559 fees: twice the base fee of the latest block plus the priority fee. */
    Fees quoteFees(final BigInteger priorityFee) {
        return head().fees(priorityFee);
    }

    /**
     * The latest block: its number, its timestamp (the chain time a transaction sent now would be mined after) and its
     * base fee.
     */
    Head head() {
        final EthBlock.Block block = call("read the latest block",
                () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()).getBlock();
        return new Head(block.getNumber().longValueExact(), Instant.ofEpochSecond(block.getTimestamp().longValueExact()),
                block.getBaseFeePerGas());
    }

    /** Runs the call at the pending block: its revert (data when the node gives it, else the message), or empty. */
    Optional<Revert> estimate(final String from, final String to, final String data) {
        // on the pending block: with the lane's own transactions that are not mined yet, so that a request whose funds
        // (or whose batch) those already take is refused here rather than reverted on chain, gas spent
        EthCall result = ethCall(from, to, data, DefaultBlockParameterName.PENDING);
        if (result.hasError() && result.getError().getData() == null
                && !String.valueOf(result.getError().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("revert")) {
            // not a revert: a node that does not run calls on the pending block; the latest block then
            result = ethCall(from, to, data, DefaultBlockParameterName.LATEST);
        }
        if (!result.hasError()) {
            return Optional.empty();
        }
        return Optional.of(new Revert(Optional.ofNullable(result.getError().getData()).map(L1Node::unquote),
                result.getError().getMessage()));
    }

    private EthCall ethCall(final String from, final String to, final String data, final DefaultBlockParameterName block) {
        return call("eth_call " + to, () -> web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block).send());
    }

    /** Signs an EIP-1559 call of {@code to} with {@code data}. */
    static SignedTransaction sign(final Credentials signer, final long chainId, final long nonce, final BigInteger gasLimit,
            final String to, final String data, final Fees fees) {
        final RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), gasLimit, to,
                BigInteger.ZERO, data, fees.maxPriorityFeePerGas(), fees.maxFeePerGas());
        final byte[] signed = TransactionEncoder.signMessage(raw, signer);
        return new SignedTransaction(nonce, Numeric.toHexString(Hash.sha3(signed)), signed);
    }

    /** {@code eth_sendRawTransaction}: accepted, already known to the node, or refused because its nonce is used. */
    Broadcast broadcast(final SignedTransaction tx) {
        final EthSendTransaction sent = call("broadcast " + tx, () -> web3j.ethSendRawTransaction(tx.rawHex()).send());
        if (!sent.hasError()) {
            return Broadcast.ACCEPTED;
        }
        if (knows(tx.hash())) {
            return Broadcast.ALREADY_KNOWN;
        }
        final String message = sent.getError().getMessage();
        final String lower = message == null ? "" : message.toLowerCase();
        if (lower.contains("nonce too low") || lower.contains("already been used")) {
            return Broadcast.NONCE_USED;
        }
        if (lower.contains("replacement transaction underpriced") || lower.contains("replacement underpriced")) {
            return Broadcast.NONCE_OCCUPIED;
        }
        throw new L1NodeException("the node refused " + tx + ": " + message, null);
    }

    Optional<TransactionReceipt> receipt(final String hash) {
        return call("read the receipt of " + hash, () -> web3j.ethGetTransactionReceipt(hash).send()).getTransactionReceipt();
    }

    /**
     * The receipts of those of {@code hashes} that have one, asked in one batched JSON-RPC request
     * ({@code eth_getTransactionReceipt} each).
     */
    Map<String, TransactionReceipt> receipts(final List<String> hashes) {
        if (hashes.isEmpty()) {
            return Map.of();
        }
        final BatchRequest batch = web3j.newBatch();
        hashes.forEach(hash -> batch.add(web3j.ethGetTransactionReceipt(hash)));
        final BatchResponse answers;
        try {
            answers = batch.send();
        } catch (final IOException e) {
            throw new L1NodeException("cannot read the receipts of " + hashes.size() + " transactions on the L1 node",
                    new UncheckedIOException(e));
        } catch (final ClientConnectionException e) {
            // an HTTP error status (a node or its load balancer down), as in call(): an outage, not a bug
            throw new L1NodeException("cannot read the receipts of " + hashes.size() + " transactions on the L1 node: "
                    + e.getMessage(), e);
        }
        final Map<String, TransactionReceipt> found = new HashMap<>();
        for (final Response<?> answer : answers.getResponses()) {
            if (answer instanceof EthGetTransactionReceipt receipt && !receipt.hasError()) {
                receipt.getTransactionReceipt().ifPresent(r -> found.put(r.getTransactionHash().toLowerCase(), r));
            }
        }
        final Map<String, TransactionReceipt> byHash = new HashMap<>();
        hashes.forEach(hash -> Optional.ofNullable(found.get(hash.toLowerCase())).ifPresent(r -> byHash.put(hash, r)));
        return byHash;
    }

    /** Whether the node has the transaction, pending or mined. */
    boolean knows(final String hash) {
        return call("look up transaction " + hash, () -> web3j.ethGetTransactionByHash(hash).send()).getTransaction().isPresent();
    }

    private static String unquote(final String data) {
        final String trimmed = data.trim();
        return trimmed.startsWith("\"") && trimmed.endsWith("\"") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }

    private static <R extends Response<?>> R call(final String what, final Call<R> request) {
        final R response;
        try {
            response = request.send();
        } catch (final IOException e) {
            throw new L1NodeException("cannot " + what + " on the L1 node", new UncheckedIOException(e));
        } catch (final ClientConnectionException e) {
            // an HTTP error status (503 of a node or its load balancer down) is an outage like a refused connection
            throw new L1NodeException("cannot " + what + " on the L1 node: " + e.getMessage(), e);
        }
        if (response.hasError() && !(response instanceof EthCall) && !(response instanceof EthSendTransaction)) {
            throw new L1NodeException("cannot " + what + " on the L1 node: " + response.getError().getMessage(), null);
        }
        return response;
    }

    /** A JSON-RPC request. */
    @FunctionalInterface
    private interface Call<R> {
        R send() throws IOException;
    }

    /** What became of a broadcast. */
    enum Broadcast {
        ACCEPTED, ALREADY_KNOWN, NONCE_USED,
        /** "replacement transaction underpriced": another transaction holds the nonce in the node's pool. */
        NONCE_OCCUPIED
    }

    /** The chain's latest block. */
    record Head(long number, Instant timestamp, BigInteger baseFeePerGas) {

        /** EIP-1559 fees quoted on this block: twice its base fee plus the priority fee. */
        Fees fees(final BigInteger priorityFee) {
            return Fees.quote(baseFeePerGas, priorityFee);
        }
    }

    /** A call the contract refused at estimation: the revert data when the node returned it, and its message. */
    record Revert(Optional<String> data, String message) {
    }

    /** The node could not be reached or refused a request the sender cannot do without. */
    static final class L1NodeException extends RuntimeException {
        L1NodeException(final String message, final RuntimeException cause) {
            super(message, cause);
        }
    }
}
