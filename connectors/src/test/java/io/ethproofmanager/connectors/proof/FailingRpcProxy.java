package io.ethproofmanager.connectors.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of an L1 node whose first {@code eth_call}s to one contract fail with a JSON-RPC internal error
 * (not a revert); everything else is forwarded.
 */
final class FailingRpcProxy implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI target;
    private final String failingContract;
    private final int failures;
    private final AtomicInteger failed = new AtomicInteger();

    private FailingRpcProxy(final String targetUrl, final String failingContract, final int failures) {
        this.target = URI.create(targetUrl);
        this.failingContract = failingContract.toLowerCase(Locale.ROOT);
        this.failures = failures;
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Fails the first {@code failures} calls to {@code contract}. */
    static FailingRpcProxy start(final String targetUrl, final String contract, final int failures) {
        return new FailingRpcProxy(targetUrl, contract, failures);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many calls it failed so far. */
    int failed() {
        return failed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        client.close();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final JsonNode request = RecordJson.readTree(body);
            if (callsFailingContract(request) && failed.getAndUpdate(n -> n < failures ? n + 1 : n) < failures) {
                reply(exchange, ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32603,"
                        + "\"message\":\"internal error: backend unavailable\"}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            reply(exchange, forward(body));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean callsFailingContract(final JsonNode request) {
        return "eth_call".equals(request.path("method").asText())
                && failingContract.equals(request.path("params").path(0).path("to").asText().toLowerCase(Locale.ROOT));
    }

    private byte[] forward(final byte[] body) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static void reply(final HttpExchange exchange, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }
}
