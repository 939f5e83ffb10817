package io.ethproofmanager.sandbox.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.devkit.chain.JsonRpcProxy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulation's JSON-RPC proxy between the manager and anvil: it passes requests through until told to misbehave,
 * then fails them (HTTP 503), holds them past the client's timeout, slows them down, drops the connection after the node
 * answered (the request took effect, its answer is lost), or refuses {@code eth_getLogs} over more than a few blocks.
 */
final class RpcProxy implements AutoCloseable {

    /** How the proxy treats requests. */
    enum Mode { PASS, FAIL, TIMEOUT, SLOW, DROP, RANGE_LIMIT }

    /** The hold of {@link Mode#TIMEOUT}: longer than the manager's RPC timeouts. */
    static final Duration HOLD = Duration.ofSeconds(15);
    /** The widest {@code eth_getLogs} range of {@link Mode#RANGE_LIMIT}. */
    static final long MAX_LOG_RANGE = 3;

    private final JsonRpcProxy proxy;
    private volatile Mode mode = Mode.PASS;
    private volatile Duration slowBy = Duration.ofSeconds(1);
    private final AtomicLong disturbed = new AtomicLong();

    private RpcProxy(final String targetUrl) {
        this.proxy = JsonRpcProxy.start(targetUrl, this::treat);
    }

    static RpcProxy start(final String targetUrl) {
        return new RpcProxy(targetUrl);
    }

    String url() {
        return proxy.url();
    }

    void mode(final Mode newMode) {
        this.mode = Objects.requireNonNull(newMode, "newMode");
    }

    void slowBy(final Duration delay) {
        this.slowBy = Objects.requireNonNull(delay, "delay");
    }

    Mode mode() {
        return mode;
    }

    long forwarded() {
        return proxy.forwarded();
    }

    /** Requests failed, held, slowed, dropped or refused so far. */
    long disturbed() {
        return disturbed.get();
    }

    @Override
    public void close() {
        proxy.close();
    }

    private JsonRpcProxy.Action treat(final JsonNode request) {
        final Mode now = mode;
        if (now == Mode.PASS || now == Mode.RANGE_LIMIT && !JsonRpcProxy.isLogQueryWiderThan(request, MAX_LOG_RANGE)) {
            return JsonRpcProxy.forward();
        }
        disturbed.incrementAndGet();
        return switch (now) {
            case FAIL -> JsonRpcProxy.httpFailure(503, "simulated node outage");
            case TIMEOUT -> new JsonRpcProxy.Answer(HOLD, 504, "{\"error\":\"simulated gateway timeout\"}");
            case SLOW -> JsonRpcProxy.forwardAfter(slowBy);
            case DROP -> new JsonRpcProxy.CutOff();
            case RANGE_LIMIT -> JsonRpcProxy.rpcError(request, -32005, "query returned more than 10000 results");
            case PASS -> JsonRpcProxy.forward();
        };
    }
}
