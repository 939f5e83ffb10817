package io.ethproofmanager.app.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.ethproofmanager.schemas.BatchStatus;
import io.ethproofmanager.schemas.BatchStatusRecord;
import io.ethproofmanager.schemas.NetworkAnalytics;
import io.ethproofmanager.schemas.ProvingNetwork;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only JSON status API under {@code /api/} and the status page at {@code /}: batches, their history, counts
 * by status, recent fallbacks, per-network analytics, and the page's charts (chains, status timeline, ready to final
 * latency histogram); a {@code chain} parameter limits the batch answers to one chain. Every error is a JSON
 * {@code {"error": ...}}, never a trace.
 */
public final class StatusApi {

    /** Where the API is served. */
    public static final String API_PREFIX = "/api/";
    /** Where the status page is served. */
    public static final String PAGE_PREFIX = "/";

    private static final Logger LOG = LoggerFactory.getLogger(StatusApi.class);
    private static final int DEFAULT_PAGE_LIMIT = 50;
    private static final int DEFAULT_FALLBACK_LIMIT = 20;
    private static final byte[] INTERNAL_ERROR = "{\"error\":\"internal error\"}".getBytes(StandardCharsets.UTF_8);

    private static final int DEFAULT_TIMELINE_POINTS = 60;
    private static final int DEFAULT_LATENCY_BINS = 20;

    private final BatchStatusQueries queries;
    private final BatchChartQueries charts;
    private final Supplier<Map<ProvingNetwork, NetworkAnalytics>> networks;
    private final Supplier<Map<String, Object>> instance;

    /** An API without network analytics: {@code /api/networks} answers an empty list. */
    public StatusApi(final BatchStatusQueries queries) {
        this(queries, Map::of);
    }

    /** An API whose {@code /api/networks} answers what {@code networks} supplies at each request. */
    public StatusApi(final BatchStatusQueries queries, final Supplier<Map<ProvingNetwork, NetworkAnalytics>> networks) {
        this(queries, networks, Map::of);
    }

    /**
     * An API whose {@code /api/networks} answers what {@code networks} supplies, and {@code /api/instance} what
     * {@code instance} supplies (this instance's ids and the source roles it holds), at each request.
     */
    public StatusApi(final BatchStatusQueries queries, final Supplier<Map<ProvingNetwork, NetworkAnalytics>> networks,
            final Supplier<Map<String, Object>> instance) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.charts = queries.charts();
        this.networks = Objects.requireNonNull(networks, "networks");
        this.instance = Objects.requireNonNull(instance, "instance");
    }

    /** The handlers to register, path prefix to handler: the API and the page. */
    public Map<String, HttpHandler> routes() {
        final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        routes.put(API_PREFIX, this::handleApi);
        routes.put(PAGE_PREFIX, new StatusPage());
        return routes;
    }

    private void handleApi(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final ApiResponse response = answer(exchange);
            send(exchange, response);
        }
    }

    private ApiResponse answer(final HttpExchange exchange) {
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                return ApiResponse.error(405, "only GET is served here, not " + exchange.getRequestMethod());
            }
            return route(exchange.getRequestURI().getPath(), QueryParameters.of(exchange.getRequestURI()));
        } catch (final IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        } catch (final StatusQueryException e) {
            LOG.warn("status API: {}", e.getMessage());
            return ApiResponse.error(503, "the database did not answer; try again");
        } catch (final RuntimeException e) {
            LOG.error("status API failed on {}", exchange.getRequestURI(), e);
            return ApiResponse.error(500, "internal error");
        }
    }

    private ApiResponse route(final String path, final QueryParameters parameters) {
        return switch (path) {
            case "/api/batches", "/api/batches/" -> batches(parameters);
            case "/api/status-counts" -> statusCounts(parameters);
            case "/api/chains" -> chains();
            case "/api/status-timeline" -> statusTimeline(parameters);
            case "/api/latency" -> latency(parameters);
            case "/api/networks" -> networks();
            case "/api/instance" -> ApiResponse.ok(instance.get());
            case "/api/fallbacks" -> fallbacks(parameters);
            default -> path.startsWith("/api/batches/") ? batch(path.substring("/api/batches/".length()))
                    : ApiResponse.error(404, "no such endpoint: " + path);
        };
    }

    private ApiResponse batch(final String rest) {
        final String[] parts = rest.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected /api/batches/{chainId}/{batchNumber}, got /api/batches/" + rest);
        }
        final long chainId = QueryParameters.parseLong("chainId", parts[0]);
        final long batchNumber = QueryParameters.parseLong("batchNumber", parts[1]);
        final Optional<BatchStatusRecord> row = queries.batch(chainId, batchNumber);
        if (row.isEmpty()) {
            return ApiResponse.error(404, "no batch " + batchNumber + " of chain " + chainId);
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("batch", row.get());
        body.put("history", queries.history(chainId, batchNumber));
        return ApiResponse.ok(body);
    }

    private ApiResponse batches(final QueryParameters parameters) {
        final Optional<BatchStatus> status = parameters.text("status").map(StatusApi::status);
        final int limit = parameters.integer("limit", DEFAULT_PAGE_LIMIT);
        final int offset = parameters.integer("offset", 0);
        final Optional<Long> chain = parameters.optionalLong("chain");
        final BatchPage page = queries.batches(status, chain, limit, offset);
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", page.status().map(BatchStatus::wireName).orElse(null));
        body.put("chain", chain.orElse(null));
        body.put("limit", page.limit());
        body.put("offset", page.offset());
        body.put("total", page.total());
        body.put("batches", page.batches());
        return ApiResponse.ok(body);
    }

    private ApiResponse statusCounts(final QueryParameters parameters) {
        final Optional<Long> chain = parameters.optionalLong("chain");
        final Map<String, Long> counts = new LinkedHashMap<>();
        queries.countsByStatus(chain).forEach((status, count) -> counts.put(status.wireName(), count));
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("chain", chain.orElse(null));
        body.put("counts", counts);
        body.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
        return ApiResponse.ok(body);
    }

    private ApiResponse networks() {
        final List<NetworkAnalytics> analytics = networks.get().values().stream()
                .sorted(Comparator.comparing(NetworkAnalytics::network))
                .toList();
        return ApiResponse.ok(Map.of("networks", analytics));
    }

    private ApiResponse fallbacks(final QueryParameters parameters) {
        final int limit = parameters.integer("limit", DEFAULT_FALLBACK_LIMIT);
        return ApiResponse.ok(Map.of("fallbacks", queries.recentFallbacks(parameters.optionalLong("chain"), limit)));
    }

    private ApiResponse chains() {
        final List<Map<String, Object>> chains = charts.chains().entrySet().stream()
                .map(entry -> Map.<String, Object>of("chainId", entry.getKey(), "batches", entry.getValue()))
                .toList();
        return ApiResponse.ok(Map.of("chains", chains));
    }

    private ApiResponse statusTimeline(final QueryParameters parameters) {
        final Optional<Long> chain = parameters.optionalLong("chain");
        final StatusTimeline timeline = charts.statusTimeline(chain,
                parameters.integer("points", DEFAULT_TIMELINE_POINTS));
        final List<Map<String, Object>> points = timeline.points().stream().map(point -> {
            final Map<String, Long> counts = new LinkedHashMap<>();
            point.counts().forEach((status, count) -> counts.put(status.wireName(), count));
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("at", point.at());
            body.put("counts", counts);
            return body;
        }).toList();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("chain", chain.orElse(null));
        body.put("statuses", Arrays.stream(BatchStatus.values()).map(BatchStatus::wireName).toList());
        body.put("points", points);
        return ApiResponse.ok(body);
    }

    private ApiResponse latency(final QueryParameters parameters) {
        final Optional<Long> chain = parameters.optionalLong("chain");
        final int bins = parameters.integer("bins", DEFAULT_LATENCY_BINS);
        if (bins < 1 || bins > LatencyHistogram.MAX_BINS) {
            throw new IllegalArgumentException("bins must be between 1 and " + LatencyHistogram.MAX_BINS + ", was " + bins);
        }
        final LatencyHistogram histogram = LatencyHistogram.of(charts.finalLatencies(chain), bins);
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("chain", chain.orElse(null));
        body.put("histogram", histogram);
        return ApiResponse.ok(body);
    }

    private static BatchStatus status(final String wireName) {
        try {
            return BatchStatus.fromWireName(wireName);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + wireName + "'; one of "
                    + Arrays.stream(BatchStatus.values()).map(BatchStatus::wireName).toList());
        }
    }

    private static void send(final HttpExchange exchange, final ApiResponse response) throws IOException {
        final Optional<byte[]> json = json(response.body());
        final byte[] bytes = json.orElse(INTERNAL_ERROR);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(json.isPresent() ? response.status() : 500, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Optional<byte[]> json(final Object body) {
        try {
            return Optional.of(RecordJson.mapper().writeValueAsBytes(body));
        } catch (final JsonProcessingException e) {
            LOG.error("status API cannot write its answer as JSON", e);
            return Optional.empty();
        }
    }

    /** An HTTP status and the value to write as its JSON body. */
    private record ApiResponse(int status, Object body) {

        static ApiResponse ok(final Object body) {
            return new ApiResponse(200, body);
        }

        static ApiResponse error(final int status, final String message) {
            return new ApiResponse(status, Map.of("error", message));
        }
    }
}
