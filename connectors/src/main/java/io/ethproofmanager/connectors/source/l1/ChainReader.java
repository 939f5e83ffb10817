package io.ethproofmanager.connectors.source.l1;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The ingester's view of the L1 node: head, block headers and contract logs, each call retried with exponential backoff
 * until it succeeds or the ingester closes. A node that refuses a log range as too large is reported, not retried.
 */
final class ChainReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChainReader.class);
    static final int HEADERS_PER_BATCH = 100;
    static final int BATCH_FAILURES_TO_GIVE_UP = 3;
    private static final List<String> RANGE_REFUSALS =
            List.of("query returned more than", "block range", "limit exceeded", "too many", "range too large", "response size");

    private final L1IngesterSettings settings;
    private final HttpService service;
    private final Web3j web3j;
    private final RetryPolicy<Object> retryPolicy;
    private final Counter rpcFailures;
    private final AtomicBoolean inOutage = new AtomicBoolean();
    private final AtomicInteger outageFailures = new AtomicInteger();
    /** Batched requests in a row that the node did not answer as a batch. */
    private int batchFailures;

    ChainReader(final L1IngesterSettings settings, final Counter rpcFailures, final BooleanSupplier closing) {
        this.settings = settings;
        this.rpcFailures = rpcFailures;
        final OkHttpClient http = HttpService.getOkHttpClientBuilder()
                .callTimeout(settings.rpcTimeout())
                .connectTimeout(settings.rpcTimeout())
                .readTimeout(settings.rpcTimeout())
                .writeTimeout(settings.rpcTimeout())
                .build();
        this.service = new HttpService(settings.rpcUrl(), http);
        this.web3j = Web3j.build(service);
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
            return Optional.ofNullable(response.getBlock()).map(ChainReader::header);
        });
    }

    /**
     * The headers of blocks {@code numbers} that the node has, read in batched JSON-RPC requests of at most
     * {@value #HEADERS_PER_BATCH} calls (one HTTP round trip each instead of one per block); a node that answers a batch
     * with anything but its calls' answers is asked block by block, for good once it did so {@value #BATCH_FAILURES_TO_GIVE_UP}
     * times in a row.
     */
    Map<Long, BlockHeader> blocks(final Collection<Long> numbers) {
        final List<Long> all = List.copyOf(numbers);
        final Map<Long, BlockHeader> found = new HashMap<>();
        for (int first = 0; first < all.size(); first += HEADERS_PER_BATCH) {
            final List<Long> chunk = all.subList(first, Math.min(all.size(), first + HEADERS_PER_BATCH));
            if (chunk.size() > 1 && batchFailures < BATCH_FAILURES_TO_GIVE_UP) {
                final Optional<Map<Long, BlockHeader>> batched = batchedBlocks(chunk);
                if (batched.isPresent()) {
                    found.putAll(batched.get());
                    continue;
                }
            }
            for (final long number : chunk) {
                block(number).ifPresent(header -> found.put(number, header));
            }
        }
        return found;
    }

    /** One batched request for {@code numbers}; empty when the node did not answer it as a batch (then asked one by one). */
    private Optional<Map<Long, BlockHeader>> batchedBlocks(final List<Long> numbers) {
        final String what = "batched eth_getBlockByNumber " + numbers.getFirst() + ".." + numbers.getLast() + " (" + numbers.size() + " blocks)";
        try {
            final BatchRequest batch = web3j.newBatch();
            for (final long number : numbers) {
                batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false));
            }
            final List<? extends Response<?>> responses = batch.send().getResponses();
            if (responses.size() != numbers.size()) {
                throw new IOException("answered " + responses.size() + " of " + numbers.size() + " calls");
            }
            final Map<Long, BlockHeader> found = new HashMap<>();
            for (final Response<?> response : responses) {
                Optional.ofNullable(checked("eth_getBlockByNumber", (EthBlock) response).getBlock())
                        .map(ChainReader::header).ifPresent(header -> found.put(header.number(), header));
            }
            batchFailures = 0;
            return Optional.of(found);
        } catch (final IOException | RuntimeException e) {
            batchFailures++;
            LOG.info("{} failed ({}); asking block by block{}", what, e.toString(),
                    batchFailures >= BATCH_FAILURES_TO_GIVE_UP ? " from now on" : "");
            return Optional.empty();
        }
    }

    private static BlockHeader header(final EthBlock.Block block) {
        return new BlockHeader(block.getNumber().longValueExact(), block.getHash().toLowerCase(Locale.ROOT),
                block.getParentHash().toLowerCase(Locale.ROOT), Instant.ofEpochSecond(block.getTimestamp().longValueExact()));
    }

    /** The logs of the contract with one of {@code topic0s} in blocks {@code from..to}; throws RangeRefused when too many. */
    List<Log> logs(final long from, final long to, final List<String> topic0s) {
        final EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), settings.contractAddress())
                .addOptionalTopics(topic0s.toArray(String[]::new));
        return call("eth_getLogs " + from + ".." + to, () -> {
            final TimedLogs response = new Request<>("eth_getLogs", List.of(filter), service, TimedLogs.class).send();
            if (response.hasError() && isRangeRefusal(response.getError().getMessage())) {
                throw new RangeRefusedException(from, to, response.getError().getMessage());
            }
            return List.<Log>copyOf(Optional.ofNullable(checked("eth_getLogs", response).getResult()).orElse(List.of()));
        });
    }

    /** The timestamp of a log's block where the node gave it with the log ({@code blockTimestamp}). */
    static Optional<Instant> blockTimestamp(final Log log) {
        return log instanceof TimedLog timed && timed.getBlockTimestamp() != null
                ? Optional.of(Instant.ofEpochSecond(org.web3j.utils.Numeric.decodeQuantity(timed.getBlockTimestamp()).longValueExact()))
                : Optional.empty();
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    /** A log with the {@code blockTimestamp} that nodes now give beside its block hash (absent from older nodes). */
    public static final class TimedLog extends Log {

        private String blockTimestamp;

        public String getBlockTimestamp() {
            return blockTimestamp;
        }

        public void setBlockTimestamp(final String blockTimestamp) {
            this.blockTimestamp = blockTimestamp;
        }
    }

    /** The answer of {@code eth_getLogs} with {@link TimedLog}s. */
    public static final class TimedLogs extends Response<List<TimedLog>> {
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
