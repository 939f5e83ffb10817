package io.ethproofmanager.connectors.source.l1;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The ingester's view of the L1 node: head, block headers and contract logs, each call retried with exponential backoff
 * until it succeeds or the ingester closes. A node that refuses a log range as too large is reported, not retried.
 */
final class ChainReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChainReader.class);
    private static final List<String> RANGE_REFUSALS =
            List.of("query returned more than", "block range", "limit exceeded", "too many", "range too large", "response size");

    private final L1IngesterSettings settings;
    private final Web3j web3j;
    private final RetryPolicy<Object> retryPolicy;
    private final Counter rpcFailures;
    private final AtomicBoolean inOutage = new AtomicBoolean();
    private final AtomicInteger outageFailures = new AtomicInteger();

    ChainReader(final L1IngesterSettings settings, final Counter rpcFailures, final BooleanSupplier closing) {
        this.settings = settings;
        this.rpcFailures = rpcFailures;
        final OkHttpClient http = HttpService.getOkHttpClientBuilder()
                .callTimeout(settings.rpcTimeout())
                .connectTimeout(settings.rpcTimeout())
                .readTimeout(settings.rpcTimeout())
                .writeTimeout(settings.rpcTimeout())
                .build();
        this.web3j = Web3j.build(new HttpService(settings.rpcUrl(), http));
        this.retryPolicy = RetryPolicy.builder()
                .handle(RpcCallException.class)
                .withBackoff(settings.retryBackoffMin(), settings.retryBackoffMax())
                .withMaxRetries(-1)
                .abortIf((result, failure) -> closing.getAsBoolean())
                .build();
    }

    /** The number of the node's latest block. */
    long head() {
        return call("eth_blockNumber", () -> checked("eth_blockNumber", web3j.ethBlockNumber().send()).getBlockNumber().longValueExact());
    }

    /** The header of block {@code number}, or empty when the node has no such block (any more). */
    Optional<BlockHeader> block(final long number) {
        return call("eth_getBlockByNumber " + number, () -> {
            final EthBlock response = checked("eth_getBlockByNumber", web3j.ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send());
            return Optional.ofNullable(response.getBlock()).map(block -> new BlockHeader(block.getNumber().longValueExact(),
                    block.getHash().toLowerCase(Locale.ROOT), block.getParentHash().toLowerCase(Locale.ROOT),
                    Instant.ofEpochSecond(block.getTimestamp().longValueExact())));
        });
    }

    /** The logs of the contract with one of {@code topic0s} in blocks {@code from..to}; throws RangeRefused when too many. */
    List<Log> logs(final long from, final long to, final List<String> topic0s) {
        final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), settings.contractAddress())
                .addOptionalTopics(topic0s.toArray(String[]::new));
        return call("eth_getLogs " + from + ".." + to, () -> {
            final EthLog response = web3j.ethGetLogs(filter).send();
            if (response.hasError() && isRangeRefusal(response.getError().getMessage())) {
                throw new RangeRefusedException(from, to, response.getError().getMessage());
            }
            return checked("eth_getLogs", response).getLogs().stream().map(result -> (Log) result.get()).toList();
        });
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    private <T> T call(final String what, final RpcCall<T> rpc) {
        try {
            final T result = Failsafe.with(retryPolicy).get(() -> attempt(what, rpc));
            if (inOutage.compareAndSet(true, false)) {
                LOG.info("L1 node {} answers again ({}) after {} failed calls", settings.rpcUrl(), what, outageFailures.getAndSet(0));
            }
            return result;
        } catch (final FailsafeException e) {
            throw new RpcCallException(what + " on " + settings.rpcUrl() + " abandoned: " + e.getCause(), e.getCause());
        }
    }

    private <T> T attempt(final String what, final RpcCall<T> rpc) {
        try {
            return rpc.call();
        } catch (final RangeRefusedException e) {
            throw e;
        } catch (final IOException | RuntimeException e) {
            rpcFailures.increment();
            outageFailures.incrementAndGet();
            if (inOutage.compareAndSet(false, true)) {
                LOG.warn("L1 node {} failed {} ({}); retrying with backoff from {} up to {} until it answers", settings.rpcUrl(), what,
                        e.toString(), settings.retryBackoffMin(), settings.retryBackoffMax());
            }
            throw e instanceof RpcCallException rpcFailure ? rpcFailure : new RpcCallException(what + " failed: " + e, e);
        }
    }

    private static <R extends Response<?>> R checked(final String method, final R response) {
        if (response.hasError()) {
            throw new RpcCallException(method + " answered JSON-RPC error " + response.getError().getCode() + ": "
                    + response.getError().getMessage(), null);
        }
        return response;
    }

    private static boolean isRangeRefusal(final String message) {
        final String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return RANGE_REFUSALS.stream().anyMatch(lower::contains);
    }

    /** One JSON-RPC call. */
    @FunctionalInterface
    private interface RpcCall<T> {
        T call() throws IOException;
    }

    /** A JSON-RPC call that failed (transport, timeout, HTTP status or JSON-RPC error); retried. */
    static final class RpcCallException extends RuntimeException {
        RpcCallException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    /** The node refused an {@code eth_getLogs} range as too large; the caller narrows it. */
    static final class RangeRefusedException extends RuntimeException {
        RangeRefusedException(final long from, final long to, final String message) {
            super("eth_getLogs " + from + ".." + to + " refused: " + message);
        }
    }
}
