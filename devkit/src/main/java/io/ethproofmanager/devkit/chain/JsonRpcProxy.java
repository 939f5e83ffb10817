package io.ethproofmanager.devkit.chain;

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
import java.util.function.UnaryOperator;

/**
 * A JSON-RPC proxy in front of an L1 node that misbehaves as its {@link Rule} says, request by request: it forwards,
 * answers in the node's stead (an HTTP failure or a JSON-RPC error), holds a request before answering, rewrites the
 * node's answer, or cuts the answer off half way after the node acted on the request. The fault tests and the fault
 * simulation put one between the manager and anvil.
 */
public final class JsonRpcProxy implements AutoCloseable {

    /** Decides what becomes of one request (its JSON body, {@code null} when it is not JSON). */
    @FunctionalInterface
    public interface Rule {
        Action apply(JsonNode request);
    }

    /** What the proxy does with a request. */
    public sealed interface Action {
    }

    /** Forwards the request after {@code delay}, giving the node's answer through {@code rewrite}. */
    public record Forward(Duration delay, UnaryOperator<String> rewrite) implements Action {
    }

    /** Answers without asking the node, after {@code delay}: HTTP {@code status} with {@code body}. */
    public record Answer(Duration delay, int status, String body) implements Action {
    }

    /** Forwards the request, then sends half of the node's answer and closes the connection (the call took effect). */
    public record CutOff() implements Action {
    }

    /** Forwards as is. */
    public static Action forward() {
        return new Forward(Duration.ZERO, UnaryOperator.identity());
    }

    /** Forwards after {@code delay}. */
    public static Action forwardAfter(final Duration delay) {
        return new Forward(delay, UnaryOperator.identity());
    }

    /** Answers HTTP {@code status} with a JSON body naming {@code why}. */
    public static Action httpFailure(final int status, final String why) {
        return new Answer(Duration.ZERO, status, "{\"error\":\"" + why + "\"}");
    }

    /** Answers the JSON-RPC error {@code code} with {@code message} for {@code request} (HTTP 200). */
    public static Action rpcError(final JsonNode request, final int code, final String message) {
        return new Answer(Duration.ZERO, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + (request == null ? "null" : request.get("id"))
                + ",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}");
    }

    /**
     * Whether {@code request} is an {@code eth_getLogs} over more than {@code maxRange} blocks (numbered bounds; a tag such
     * as {@code latest} is not counted as wide).
     */
    public static boolean isLogQueryWiderThan(final JsonNode request, final long maxRange) {
        if (request == null || !"eth_getLogs".equals(request.path("method").asText())) {
            return false;
        }
        final JsonNode filter = request.path("params").path(0);
        try {
            final long from = Long.decode(filter.path("fromBlock").asText());
            final long to = Long.decode(filter.path("toBlock").asText());
            return to - from + 1 > maxRange;
        } catch (final NumberFormatException tagged) {
            return false;
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final Rule rule;
    private final AtomicLong forwarded = new AtomicLong();

    private JsonRpcProxy(final String targetUrl, final Rule rule) {
        this.target = URI.create(Objects.requireNonNull(targetUrl, "targetUrl"));
        this.rule = Objects.requireNonNull(rule, "rule");
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot open the JSON-RPC proxy's port", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy on a free local port in front of {@code targetUrl}, treating each request as {@code rule} says. */
    public static JsonRpcProxy start(final String targetUrl, final Rule rule) {
        return new JsonRpcProxy(targetUrl, rule);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests forwarded to the node so far. */
    public long forwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        client.close();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                // not a JSON-RPC call (a WebSocket upgrade for new heads): no node behind this proxy offers it
                reply(exchange, 404, new byte[0]);
                return;
            }
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final Action action = rule.apply(parsed(body));
            switch (action) {
                case Answer answer -> {
                    Thread.sleep(answer.delay());
                    reply(exchange, answer.status(), answer.body().getBytes(StandardCharsets.UTF_8));
                }
                case Forward forward -> {
                    Thread.sleep(forward.delay());
                    final String answer = new String(forwardToNode(body), StandardCharsets.UTF_8);
                    reply(exchange, 200, forward.rewrite().apply(answer).getBytes(StandardCharsets.UTF_8));
                }
                case CutOff cutOff -> {
                    final byte[] answer = forwardToNode(body);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer, 0, answer.length / 2);
                    exchange.getResponseBody().flush();
                    // closing an unfinished fixed-length body closes the connection
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final IOException | RuntimeException e) {
            // the node is down or the client left: the client sees a failed call
            try {
                reply(exchange, 502, "{\"error\":\"JSON-RPC proxy: node unreachable\"}".getBytes(StandardCharsets.UTF_8));
            } catch (final IOException | RuntimeException ignored) {
                // headers already sent or the client is gone
            }
        }
    }

    private static JsonNode parsed(final byte[] body) {
        try {
            return RecordJson.readTree(body);
        } catch (final RuntimeException notJson) {
            return null;
        }
    }

    private byte[] forwardToNode(final byte[] body) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        final byte[] answer = client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
        forwarded.incrementAndGet();
        return answer;
    }

    private static void reply(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }
}
