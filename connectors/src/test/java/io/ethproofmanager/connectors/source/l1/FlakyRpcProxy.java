package io.ethproofmanager.connectors.source.l1;

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
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of an L1 node that misbehaves on purpose: it answers the first requests with HTTP 500, delays the
 * next ones past the client's timeout, and refuses {@code eth_getLogs} over more than a given number of blocks.
 */
final class FlakyRpcProxy implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI target;
    private final int failures;
    private final int delays;
    private final Duration delay;
    private final long maxLogRange;
    private final boolean stripLogTimestamps;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refusedRanges = new AtomicInteger();

    private FlakyRpcProxy(final String targetUrl, final int failures, final int delays, final Duration delay, final long maxLogRange,
            final boolean stripLogTimestamps) {
        this.stripLogTimestamps = stripLogTimestamps;
        this.target = URI.create(targetUrl);
        this.failures = failures;
        this.delays = delays;
        this.delay = delay;
        this.maxLogRange = maxLogRange;
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Fails {@code failures} requests with 500, then delays {@code delays} by {@code delay}, refusing log ranges over {@code maxLogRange}. */
    static FlakyRpcProxy start(final String targetUrl, final int failures, final int delays, final Duration delay, final long maxLogRange) {
        return new FlakyRpcProxy(targetUrl, failures, delays, delay, maxLogRange, false);
    }

    /** A well-behaved proxy whose logs come without {@code blockTimestamp}, as older nodes give them. */
    static FlakyRpcProxy withoutLogTimestamps(final String targetUrl) {
        return new FlakyRpcProxy(targetUrl, 0, 0, Duration.ZERO, Long.MAX_VALUE, true);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int refusedRanges() {
        return refusedRanges.get();
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
            if (!"POST".equals(exchange.getRequestMethod())) {
                // not a JSON-RPC call (the ingester's WebSocket upgrade for new heads): no node behind this proxy offers it
                reply(exchange, 404, new byte[0]);
                return;
            }
            final int number = requests.incrementAndGet();
            if (number <= failures) {
                reply(exchange, 500, "{\"error\":\"node overloaded\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (number <= failures + delays) {
                Thread.sleep(delay);
            }
            final JsonNode request = RecordJson.readTree(body);
            if (isTooWideLogQuery(request)) {
                refusedRanges.incrementAndGet();
                reply(exchange, 200, ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32005,"
                        + "\"message\":\"query returned more than 10000 results\"}}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            final byte[] answer = forward(body);
            reply(exchange, 200, stripLogTimestamps ? new String(answer, StandardCharsets.UTF_8)
                    .replaceAll(",?\"blockTimestamp\":\"0x[0-9a-fA-F]*\"", "").getBytes(StandardCharsets.UTF_8) : answer);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isTooWideLogQuery(final JsonNode request) {
        if (!"eth_getLogs".equals(request.path("method").asText())) {
            return false;
        }
        final JsonNode filter = request.path("params").path(0);
        final long from = Long.decode(filter.path("fromBlock").asText());
        final long to = Long.decode(filter.path("toBlock").asText());
        return to - from + 1 > maxLogRange;
    }

    private byte[] forward(final byte[] body) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static void reply(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }
}
