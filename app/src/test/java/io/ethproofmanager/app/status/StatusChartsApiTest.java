package io.ethproofmanager.app.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.app.HealthServer;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.RecordJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status API's chart endpoints and chain filter over HTTP against a real PostgreSQL holding the rows of
 * {@link StatusFixtures#writeTwoChains}: the figures asserted are worked out by hand from those rows.
 */
class StatusChartsApiTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Database database;
    private static HealthServer server;

    @BeforeAll
    static void seedAndServe() throws Exception {
        database = SharedInfrastructure.freshDatabase("status_charts_api_test");
        StatusFixtures.writeTwoChains(database.dataSource());
        server = StatusFixtures.serve(database.dataSource(), Map::of);
    }

    @AfterAll
    static void stop() {
        server.close();
        database.close();
    }

    @Test
    void chainsAreThoseFoundInTheRowsWithTheirBatches() throws Exception {
        final JsonNode chains = okJson("/api/chains").get("chains");

        assertThat(chains).hasSize(2);
        assertThat(chains.get(0).get("chainId").asLong()).isEqualTo(270);
        assertThat(chains.get(0).get("batches").asLong()).isEqualTo(3);
        assertThat(chains.get(1).get("chainId").asLong()).isEqualTo(271);
        assertThat(chains.get(1).get("batches").asLong()).isEqualTo(2);
    }

    @Test
    void timelineCountsEachBatchInItsStatusAtEachSampleTime() throws Exception {
        // 14 points over 0..130 s: one every 10 s
        final JsonNode body = okJson("/api/status-timeline?points=14");
        final JsonNode points = body.get("points");

        assertThat(body.get("chain").isNull()).isTrue();
        assertThat(points).hasSize(14);
        assertThat(points.get(0).get("at").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(points.get(13).get("at").asText()).isEqualTo("2026-11-01T10:02:10Z");
        assertThat(series(points, "ready_to_be_proven"))
                .containsExactly(3L, 0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L);
        assertThat(series(points, "request_sent_to_l1"))
                .containsExactly(0L, 3L, 1L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(series(points, "acknowledged"))
                .containsExactly(0L, 0L, 2L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(series(points, "received_proof"))
                .containsExactly(0L, 0L, 0L, 2L, 1L, 1L, 1L, 1L, 2L, 2L, 1L, 1L, 1L, 0L);
        assertThat(series(points, "validation_result_sent_to_l1"))
                .containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L, 1L, 2L, 2L, 2L, 3L);
        assertThat(series(points, "fallen_back"))
                .containsExactly(0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L);
    }

    @Test
    void timelineOfOneChainSpansItsOwnHistory() throws Exception {
        final JsonNode body = okJson("/api/status-timeline?chain=271&points=9");
        final JsonNode points = body.get("points");

        assertThat(body.get("chain").asLong()).isEqualTo(271);
        assertThat(points).hasSize(9);
        assertThat(points.get(0).get("at").asText()).isEqualTo("2026-11-01T10:00:50Z");
        assertThat(series(points, "ready_to_be_proven")).containsExactly(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L);
        assertThat(series(points, "request_sent_to_l1")).containsExactly(0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(series(points, "validation_result_sent_to_l1")).containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L);
        assertThat(series(points, "fallen_back")).containsOnly(0L);
    }

    @Test
    void timelineOfAChainWithoutRowsHasNoPoints() throws Exception {
        assertThat(okJson("/api/status-timeline?chain=999").get("points")).isEmpty();
    }

    @Test
    void latencyHistogramPerNetworkAndPerChain() throws Exception {
        final JsonNode histogram = okJson("/api/latency").get("histogram");

        // 25, 40, 80, 100 s on 20 bins: 5 s each; 100 s falls in the last bin
        assertThat(histogram.get("binSeconds").asDouble()).isEqualTo(5.0);
        assertThat(histogram.get("bins").asInt()).isEqualTo(20);
        assertThat(histogram.get("batches").asLong()).isEqualTo(4);
        assertThat(nonZeroBins(histogram.get("all").get("counts"))).containsExactly(5, 8, 16, 19);
        assertThat(texts(histogram.get("byNetwork"), "name")).containsExactly("fermah", "lagrange", "none");
        final JsonNode fermah = histogram.get("byNetwork").get(0);
        assertThat(fermah.get("batches").asLong()).isEqualTo(2);
        assertThat(fermah.get("p50Seconds").asDouble()).isEqualTo(40.0);
        assertThat(fermah.get("p90Seconds").asDouble()).isEqualTo(80.0);
        assertThat(fermah.get("maxSeconds").asDouble()).isEqualTo(80.0);
        assertThat(nonZeroBins(fermah.get("outcomes").get("validated"))).containsExactly(8, 16);
        final JsonNode lagrange = histogram.get("byNetwork").get(1);
        assertThat(nonZeroBins(lagrange.get("outcomes").get("failed"))).containsExactly(19);
        assertThat(nonZeroBins(lagrange.get("outcomes").get("validated"))).isEmpty();
        final JsonNode none = histogram.get("byNetwork").get(2);
        assertThat(nonZeroBins(none.get("outcomes").get("fallen_back"))).containsExactly(5);
        assertThat(texts(histogram.get("byChain"), "name")).containsExactly("270", "271");
        final JsonNode chain270 = histogram.get("byChain").get(0);
        assertThat(chain270.get("batches").asLong()).isEqualTo(3);
        assertThat(chain270.get("p50Seconds").asDouble()).isEqualTo(40.0);
        assertThat(chain270.get("p90Seconds").asDouble()).isEqualTo(100.0);
        assertThat(histogram.get("byChain").get(1).get("maxSeconds").asDouble()).isEqualTo(80.0);
    }

    @Test
    void latencyOfOneChainAndFewerBins() throws Exception {
        final JsonNode one = okJson("/api/latency?chain=271").get("histogram");
        assertThat(one.get("batches").asLong()).isEqualTo(1);
        assertThat(texts(one.get("byChain"), "name")).containsExactly("271");
        assertThat(texts(one.get("byNetwork"), "name")).containsExactly("fermah");
        assertThat(one.get("binSeconds").asDouble()).isEqualTo(5.0);
        assertThat(nonZeroBins(one.get("all").get("counts"))).containsExactly(15);

        final JsonNode coarse = okJson("/api/latency?bins=4").get("histogram");
        assertThat(coarse.get("binSeconds").asDouble()).isEqualTo(50.0);
        assertThat(coarse.get("bins").asInt()).isEqualTo(2);
        assertThat(coarse.get("all").get("counts").toString()).isEqualTo("[2,2]");

        final JsonNode none = okJson("/api/latency?chain=999").get("histogram");
        assertThat(none.get("batches").asLong()).isZero();
        assertThat(none.get("all").get("p50Seconds").isNull()).isTrue();
        assertThat(none.get("byNetwork")).isEmpty();
    }

    @Test
    void countsFallbacksAndBatchesFilterByChain() throws Exception {
        final JsonNode counts = okJson("/api/status-counts?chain=271");
        assertThat(counts.get("chain").asLong()).isEqualTo(271);
        assertThat(counts.get("counts").get("ready_to_be_proven").asLong()).isEqualTo(1);
        assertThat(counts.get("counts").get("validation_result_sent_to_l1").asLong()).isEqualTo(1);
        assertThat(counts.get("total").asLong()).isEqualTo(2);
        assertThat(okJson("/api/status-counts").get("total").asLong()).isEqualTo(5);

        assertThat(okJson("/api/fallbacks?chain=271").get("fallbacks")).isEmpty();
        assertThat(texts(okJson("/api/fallbacks?chain=270").get("fallbacks"), "batchNumber")).containsExactly("2");

        final JsonNode page = okJson("/api/batches?chain=270&status=validation_result_sent_to_l1");
        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(texts(page.get("batches"), "batchNumber")).containsExactly("3", "1");
    }

    @Test
    void anotherInstanceOnTheSameDatabaseAnswersTheSame() throws Exception {
        try (HealthServer other = StatusFixtures.serve(database.dataSource(), Map::of)) {
            for (final String path : List.of("/api/chains", "/api/status-timeline?points=14", "/api/latency",
                    "/api/status-timeline?chain=270", "/api/latency?chain=271&bins=7", "/api/status-counts?chain=270")) {
                final HttpResponse<String> there = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + other.port() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(there.body()).as(path).isEqualTo(get(path).body());
            }
        }
    }

    @Test
    void badChartParametersAreBadRequests() throws Exception {
        assertError("/api/status-timeline?points=1", "points must be between 2 and 200, was 1");
        assertError("/api/latency?bins=0", "bins must be between 1 and 100, was 0");
        assertError("/api/latency?chain=abc", "chain must be a whole number, was 'abc'");
        assertError("/api/status-counts?chain=-1", "chain must be between 0");
    }

    private static void assertError(final String path, final String message) throws Exception {
        final HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(400);
        assertThat(RecordJson.mapper().readTree(response.body()).get("error").asText()).contains(message);
    }

    private static List<Long> series(final JsonNode points, final String status) {
        return StreamSupport.stream(points.spliterator(), false).map(p -> p.get("counts").get(status).asLong()).toList();
    }

    private static List<Integer> nonZeroBins(final JsonNode counts) {
        final List<Integer> bins = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i).asLong() > 0) {
                bins.add(i);
            }
        }
        return bins;
    }

    private static List<String> texts(final JsonNode array, final String field) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.get(field).asText()).toList();
    }

    private static JsonNode okJson(final String path) throws Exception {
        final HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return RecordJson.mapper().readTree(response.body());
    }

    private static HttpResponse<String> get(final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
