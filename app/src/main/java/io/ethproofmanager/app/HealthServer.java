package io.ethproofmanager.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.ethproofmanager.schemas.RecordJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoints: {@code /health} (the process is alive), {@code /ready} (every component is working,
 * 503 with the failing ones otherwise; under {@code "detail"}, what a component that is working says of a condition the
 * operator should know, e.g. a sender lane held by the fee cap) and {@code /metrics} (Prometheus text format), beside any extra routes given
 * at start (the status API and page).
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    /** Enough that a slow status query never holds up {@code /health} or a scrape. */
    private static final int HTTP_THREADS = 4;

    private final HttpServer server;
    private final Map<String, BooleanSupplier> readinessChecks;
    private final Map<String, Supplier<Optional<String>>> readinessDetails;
    private final PrometheusMeterRegistry meters;

    private HealthServer(final HttpServer server, final Map<String, BooleanSupplier> readinessChecks,
            final Map<String, Supplier<Optional<String>>> readinessDetails, final PrometheusMeterRegistry meters) {
        this.server = server;
        this.readinessChecks = readinessChecks;
        this.readinessDetails = readinessDetails;
        this.meters = meters;
    }

    /** Serves on {@code port} (0 = a free one) on all interfaces. */
    public static HealthServer start(final int port, final Map<String, BooleanSupplier> readinessChecks,
            final PrometheusMeterRegistry meters) {
        return start(port, readinessChecks, meters, Map.of());
    }

    /**
     * Serves on {@code port} (0 = a free one) on all interfaces, with {@code routes} (path prefix to handler) beside the
     * health endpoints; a route may not take {@code /health}, {@code /ready} or {@code /metrics}.
     */
    public static HealthServer start(final int port, final Map<String, BooleanSupplier> readinessChecks,
            final PrometheusMeterRegistry meters, final Map<String, HttpHandler> routes) {
        return start(port, readinessChecks, Map.of(), meters, routes);
    }

    /**
     * As {@link #start(int, Map, PrometheusMeterRegistry, Map)}, {@code /ready} also giving each component's detail when it
     * has one (it does not change the answer's status).
     */
    public static HealthServer start(final int port, final Map<String, BooleanSupplier> readinessChecks,
            final Map<String, Supplier<Optional<String>>> readinessDetails, final PrometheusMeterRegistry meters,
            final Map<String, HttpHandler> routes) {
        final HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on port " + port + " (set epm.http.port / EPM_HTTP_PORT)", e);
        }
        final HealthServer server = new HealthServer(http, new LinkedHashMap<>(readinessChecks),
                new LinkedHashMap<>(readinessDetails), meters);
        http.createContext("/health", exchange -> server.respond(exchange, 200, "text/plain", "UP\n"));
        http.createContext("/ready", server::ready);
        http.createContext("/metrics", exchange -> server.respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape()));
        routes.forEach(http::createContext);
        final AtomicInteger threads = new AtomicInteger();
        http.setExecutor(Executors.newFixedThreadPool(HTTP_THREADS,
                runnable -> new Thread(runnable, "epm-http-" + threads.incrementAndGet())));
        http.start();
        LOG.info("health on http://127.0.0.1:{}/ready, metrics on http://127.0.0.1:{}/metrics", server.port(), server.port());
        return server;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void ready(final HttpExchange exchange) throws IOException {
        final Map<String, Object> body = new LinkedHashMap<>();
        boolean allReady = true;
        for (final Map.Entry<String, BooleanSupplier> check : readinessChecks.entrySet()) {
            final boolean ok = passes(check.getValue());
            allReady &= ok;
            body.put(check.getKey(), ok ? "UP" : "DOWN");
        }
        final Map<String, String> details = new LinkedHashMap<>();
        readinessDetails.forEach((component, detail) -> detailOf(detail).ifPresent(text -> details.put(component, text)));
        if (!details.isEmpty()) {
            body.put("detail", details);
        }
        respond(exchange, allReady ? 200 : 503, "application/json", RecordJson.mapper().writeValueAsString(body) + "\n");
    }

    private static Optional<String> detailOf(final Supplier<Optional<String>> detail) {
        try {
            return detail.get();
        } catch (final RuntimeException e) {
            return Optional.of("cannot tell: " + e.getMessage());
        }
    }

    private static boolean passes(final BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (final RuntimeException e) {
            return false;
        }
    }

    private void respond(final HttpExchange exchange, final int status, final String contentType, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
