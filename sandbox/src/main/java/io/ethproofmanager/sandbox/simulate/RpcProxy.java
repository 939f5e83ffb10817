package io.ethproofmanager.sandbox.simulate;

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
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private volatile Mode mode = Mode.PASS;
    private volatile Duration slowBy = Duration.ofSeconds(1);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong disturbed = new AtomicLong();

    private RpcProxy(final String targetUrl) {
        this.target = URI.create(Objects.requireNonNull(targetUrl, "targetUrl"));
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open the RPC proxy's port", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    static RpcProxy start(final String targetUrl) {
        return new RpcProxy(targetUrl);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
        return forwarded.get();
    }

    /** Requests failed, held, slowed, dropped or refused so far. */
    long disturbed() {
        return disturbed.get();
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
            final Mode now = mode;
            switch (now) {
                case FAIL -> {
                    disturbed.incrementAndGet();
                    reply(exchange, 503, "{\"error\":\"simulated node outage\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                case TIMEOUT -> {
                    disturbed.incrementAndGet();
                    Thread.sleep(HOLD);
                    reply(exchange, 504, "{\"error\":\"simulated gateway timeout\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                case SLOW -> {
                    disturbed.incrementAndGet();
                    Thread.sleep(slowBy);
                }
                case RANGE_LIMIT -> {
                    final JsonNode request = RecordJson.readTree(body);
                    if (isTooWideLogQuery(request)) {
                        disturbed.incrementAndGet();
                        reply(exchange, 200, ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32005,"
                                + "\"message\":\"query returned more than 10000 results\"}}").getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                }
                case DROP, PASS -> {
                    // forwarded below
                }
            }
            final byte[] answer = forward(body);
            forwarded.incrementAndGet();
            if (now == Mode.DROP) {
                // the node acted on the request; its answer is cut off half way and the connection closed
                disturbed.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer, 0, answer.length / 2);
                exchange.getResponseBody().flush();
                return; // closing an unfinished fixed-length body closes the connection
            }
            reply(exchange, 200, answer);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final IOException | RuntimeException e) {
            // the node is down or the client left: the client sees a failed call
            try {
                reply(exchange, 502, "{\"error\":\"simulation proxy: node unreachable\"}".getBytes(StandardCharsets.UTF_8));
            } catch (final IOException | RuntimeException ignored) {
                // headers already sent or the client is gone
            }
        }
    }

    private static boolean isTooWideLogQuery(final JsonNode request) {
        if (!"eth_getLogs".equals(request.path("method").asText())) {
            return false;
        }
        final JsonNode filter = request.path("params").path(0);
        try {
            final long from = Long.decode(filter.path("fromBlock").asText());
            final long to = Long.decode(filter.path("toBlock").asText());
            return to - from + 1 > MAX_LOG_RANGE;
        } catch (final NumberFormatException tagged) {
            return false; // "latest" and the like
        }
    }

    private byte[] forward(final byte[] body) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static void reply(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
