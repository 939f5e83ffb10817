package io.ethproofmanager.connectors.source.l1;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.devkit.chain.JsonRpcProxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link JsonRpcProxy} in front of an L1 node that misbehaves on purpose: it answers the first requests with HTTP 500,
 * delays the next ones past the client's timeout, and refuses {@code eth_getLogs} over more than a given number of blocks;
 * or, well-behaved, gives logs without {@code blockTimestamp} as older nodes do.
 */
final class FlakyRpcProxy implements AutoCloseable {

    private final JsonRpcProxy proxy;
    private final int failures;
    private final int delays;
    private final Duration delay;
    private final long maxLogRange;
    private final UnaryOperator<String> rewrite;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refusedRanges = new AtomicInteger();

    private FlakyRpcProxy(final String targetUrl, final int failures, final int delays, final Duration delay, final long maxLogRange,
            final UnaryOperator<String> rewrite) {
        this.failures = failures;
        this.delays = delays;
        this.delay = delay;
        this.maxLogRange = maxLogRange;
        this.rewrite = rewrite;
        this.proxy = JsonRpcProxy.start(targetUrl, this::treat);
    }

    /** Fails {@code failures} requests with 500, then delays {@code delays} by {@code delay}, refusing log ranges over {@code maxLogRange}. */
    static FlakyRpcProxy start(final String targetUrl, final int failures, final int delays, final Duration delay, final long maxLogRange) {
        return new FlakyRpcProxy(targetUrl, failures, delays, delay, maxLogRange, UnaryOperator.identity());
    }

    /** A well-behaved proxy whose logs come without {@code blockTimestamp}, as older nodes give them. */
    static FlakyRpcProxy withoutLogTimestamps(final String targetUrl) {
        return new FlakyRpcProxy(targetUrl, 0, 0, Duration.ZERO, Long.MAX_VALUE,
                answer -> answer.replaceAll(",?\"blockTimestamp\":\"0x[0-9a-fA-F]*\"", ""));
    }

    String url() {
        return proxy.url();
    }

    int refusedRanges() {
        return refusedRanges.get();
    }

    @Override
    public void close() {
        proxy.close();
    }

    private JsonRpcProxy.Action treat(final JsonNode request) {
        final int number = requests.incrementAndGet();
        if (number <= failures) {
            return JsonRpcProxy.httpFailure(500, "node overloaded");
        }
        if (JsonRpcProxy.isLogQueryWiderThan(request, maxLogRange)) {
            refusedRanges.incrementAndGet();
            return JsonRpcProxy.rpcError(request, -32005, "query returned more than 10000 results");
        }
        return new JsonRpcProxy.Forward(number <= failures + delays ? delay : Duration.ZERO, rewrite);
    }
}
