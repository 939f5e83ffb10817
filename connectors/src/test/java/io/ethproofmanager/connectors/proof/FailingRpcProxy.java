package io.ethproofmanager.connectors.proof;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.devkit.chain.JsonRpcProxy;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link JsonRpcProxy} in front of an L1 node whose first {@code eth_call}s to one contract fail with a JSON-RPC
 * internal error (not a revert); everything else is forwarded.
 */
final class FailingRpcProxy implements AutoCloseable {

    private final JsonRpcProxy proxy;
    private final String failingContract;
    private final int failures;
    private final AtomicInteger failed = new AtomicInteger();

    private FailingRpcProxy(final String targetUrl, final String failingContract, final int failures) {
        this.failingContract = failingContract.toLowerCase(Locale.ROOT);
        this.failures = failures;
        this.proxy = JsonRpcProxy.start(targetUrl, this::treat);
    }

    /** Fails the first {@code failures} calls to {@code contract}. */
    static FailingRpcProxy start(final String targetUrl, final String contract, final int failures) {
        return new FailingRpcProxy(targetUrl, contract, failures);
    }

    String url() {
        return proxy.url();
    }

    /** How many calls it failed so far. */
    int failed() {
        return failed.get();
    }

    @Override
    public void close() {
        proxy.close();
    }

    private JsonRpcProxy.Action treat(final JsonNode request) {
        if (callsFailingContract(request) && failed.getAndUpdate(n -> n < failures ? n + 1 : n) < failures) {
            return JsonRpcProxy.rpcError(request, -32603, "internal error: backend unavailable");
        }
        return JsonRpcProxy.forward();
    }

    private boolean callsFailingContract(final JsonNode request) {
        return request != null && "eth_call".equals(request.path("method").asText())
                && failingContract.equals(request.path("params").path(0).path("to").asText().toLowerCase(Locale.ROOT));
    }
}
