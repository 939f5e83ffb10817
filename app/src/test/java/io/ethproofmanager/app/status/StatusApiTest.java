package io.ethproofmanager.app.status;

import static io.ethproofmanager.app.status.StatusFixtures.CHAIN;
import static io.ethproofmanager.app.status.StatusFixtures.START;
import static io.ethproofmanager.schemas.BatchStatus.ACKNOWLEDGED;
import static io.ethproofmanager.schemas.BatchStatus.FALLEN_BACK;
import static io.ethproofmanager.schemas.BatchStatus.READY_TO_BE_PROVEN;
import static io.ethproofmanager.schemas.BatchStatus.RECEIVED_PROOF;
import static io.ethproofmanager.schemas.BatchStatus.REQUEST_SENT_TO_L1;
import static io.ethproofmanager.schemas.BatchStatus.VALIDATION_RESULT_SENT_TO_L1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ethproofmanager.app.HealthServer;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status API over HTTP against a real PostgreSQL holding rows written by the real sink writer. */
class StatusApiTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Database database;
    private static HealthServer server;

    @BeforeAll
    static void seedAndServe() throws Exception {
        database = SharedInfrastructure.freshDatabase("status_api_test");
        final var data = database.dataSource();
        StatusFixtures.writeJourney(data, 1, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED);
        StatusFixtures.writeJourney(data, 2, START.plusSeconds(60), "refused: the network refused it",
                READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, FALLEN_BACK);
        StatusFixtures.writeJourney(data, 3, START.plusSeconds(120), "timed_out: no proof before the deadline",
                READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED, FALLEN_BACK);
        StatusFixtures.writeJourney(data, 4, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED,
                RECEIVED_PROOF, VALIDATION_RESULT_SENT_TO_L1);
        StatusFixtures.writeJourney(data, 5, START, "", READY_TO_BE_PROVEN);
        server = StatusFixtures.serve(data, () -> Map.of(StatusFixtures.fermahAnalytics().network(),
                StatusFixtures.fermahAnalytics()));
    }

    @AfterAll
    static void stop() {
        server.close();
        database.close();
    }

    @Test
    void batchAnswersItsRowAndHistoryInVersionOrder() throws Exception {
        final JsonNode body = okJson("/api/batches/270/3");

        assertThat(body.get("batch").get("chainId").asLong()).isEqualTo(CHAIN);
        assertThat(body.get("batch").get("batchNumber").asLong()).isEqualTo(3);
        assertThat(body.get("batch").get("status").asText()).isEqualTo("fallen_back");
        assertThat(body.get("batch").get("version").asLong()).isEqualTo(4);
        assertThat(body.get("batch").get("assignedTo").asText()).isEqualTo("fermah");
        assertThat(body.get("batch").get("fallbackReason").asText()).isEqualTo("timed_out: no proof before the deadline");
        assertThat(texts(body.get("history"), "status"))
                .containsExactly("ready_to_be_proven", "request_sent_to_l1", "acknowledged", "fallen_back");
        assertThat(texts(body.get("history"), "version")).containsExactly("1", "2", "3", "4");
        assertThat(body.get("history").get(2).get("record").get("status").asText()).isEqualTo("acknowledged");
        assertThat(body.get("history").get(3).get("changedAt").asText()).isEqualTo("2026-11-01T10:02:03Z");
    }

    @Test
    void unknownBatchIsNotFoundWithJsonError() throws Exception {
        final HttpResponse<String> response = get("/api/batches/270/99");

        assertThat(response.statusCode()).isEqualTo(404);
        assertJsonError(response, "no batch 99 of chain 270");
    }

    @Test
    void malformedBatchPathsAreBadRequests() throws Exception {
        for (final String path : List.of("/api/batches/270/abc", "/api/batches/270", "/api/batches/270/1/extra",
                "/api/batches/-1/2", "/api/batches/x/1", "/api/batches/270/99999999999999999999")) {
            final HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertJsonError(response, "");
        }
        assertJsonError(get("/api/batches/270/abc"), "batchNumber must be a whole number, was 'abc'");
    }

    @Test
    void batchesPageHighestBatchFirstWithTotal() throws Exception {
        final JsonNode body = okJson("/api/batches?limit=2&offset=1");

        assertThat(body.get("status").isNull()).isTrue();
        assertThat(body.get("limit").asInt()).isEqualTo(2);
        assertThat(body.get("offset").asInt()).isEqualTo(1);
        assertThat(body.get("total").asLong()).isEqualTo(5);
        assertThat(texts(body.get("batches"), "batchNumber")).containsExactly("4", "3");
    }

    @Test
    void batchesFilteredByStatus() throws Exception {
        final JsonNode body = okJson("/api/batches?status=fallen_back");

        assertThat(body.get("status").asText()).isEqualTo("fallen_back");
        assertThat(body.get("total").asLong()).isEqualTo(2);
        assertThat(texts(body.get("batches"), "batchNumber")).containsExactly("3", "2");
        assertThat(body.get("limit").asInt()).isEqualTo(50);
    }

    @Test
    void badBatchesParametersAreBadRequests() throws Exception {
        assertJsonError(expect(400, "/api/batches?status=lost"), "unknown status 'lost'");
        assertJsonError(expect(400, "/api/batches?limit=0"), "limit must be between 1 and 500, was 0");
        assertJsonError(expect(400, "/api/batches?limit=501"), "limit must be between 1 and 500, was 501");
        assertJsonError(expect(400, "/api/batches?offset=-3"), "offset must be between 0");
        assertJsonError(expect(400, "/api/batches?limit=ten"), "limit must be a whole number, was 'ten'");
    }

    @Test
    void statusCountsHaveEveryStatusAndTheTotal() throws Exception {
        final JsonNode body = okJson("/api/status-counts");

        final Map<String, Integer> counts = RecordJson.mapper().convertValue(body.get("counts"),
                RecordJson.mapper().getTypeFactory().constructMapType(Map.class, String.class, Integer.class));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("ready_to_be_proven", 1, "request_sent_to_l1", 0,
                "acknowledged", 1, "received_proof", 0, "validation_result_sent_to_l1", 1, "fallen_back", 2));
        assertThat(body.get("total").asLong()).isEqualTo(5);
    }

    @Test
    void networksAnswerTheSuppliedAnalytics() throws Exception {
        final JsonNode networks = okJson("/api/networks").get("networks");

        assertThat(networks).hasSize(1);
        final JsonNode fermah = networks.get(0);
        assertThat(fermah.get("network").asText()).isEqualTo("fermah");
        assertThat(fermah.get("requestsAssigned").asLong()).isEqualTo(7);
        assertThat(fermah.get("unacknowledged").asLong()).isEqualTo(2);
        assertThat(fermah.get("timedOut").asLong()).isEqualTo(1);
        assertThat(fermah.get("acknowledgeSecondsP99").asDouble()).isEqualTo(9.0);
        assertThat(fermah.get("rewardsOwedMicroUsdc").asLong()).isEqualTo(1_500_000);
    }

    @Test
    void networksAreEmptyWithoutAnalytics() throws Exception {
        final StatusApi api = new StatusApi(new BatchStatusQueries(database.dataSource()));
        try (HealthServer bare = StatusFixtures.serve(api)) {
            final HttpResponse<String> response = get(bare, "/api/networks");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(RecordJson.mapper().readTree(response.body()).get("networks")).isEmpty();
        }
    }

    @Test
    void fallbacksNewestFirstWithReasonAndLimit() throws Exception {
        final JsonNode all = okJson("/api/fallbacks").get("fallbacks");
        final JsonNode one = okJson("/api/fallbacks?limit=1").get("fallbacks");

        assertThat(texts(all, "batchNumber")).containsExactly("3", "2");
        assertThat(texts(all, "fallbackReason"))
                .containsExactly("timed_out: no proof before the deadline", "refused: the network refused it");
        assertThat(texts(one, "batchNumber")).containsExactly("3");
        assertJsonError(expect(400, "/api/fallbacks?limit=100000"), "limit must be between 1 and 500");
    }

    @Test
    void unknownEndpointAndOtherMethodsAnswerJsonErrors() throws Exception {
        assertJsonError(expect(404, "/api/nothing"), "no such endpoint: /api/nothing");
        final HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(server, "/api/status-counts"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertJsonError(post, "only GET is served here, not POST");
    }

    @Test
    void databaseDownIsServiceUnavailableWithoutTrace() throws Exception {
        final Database closed = SharedInfrastructure.freshDatabase("status_api_closed");
        closed.close();
        try (HealthServer down = StatusFixtures.serve(closed.dataSource(), Map::of)) {
            final HttpResponse<String> response = get(down, "/api/status-counts");
            assertThat(response.statusCode()).isEqualTo(503);
            assertJsonError(response, "the database did not answer; try again");
        }
    }

    @Test
    void pageAndHealthAreServedBesideTheApi() throws Exception {
        final HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/status.js\"></script>");
        assertThat(get("/status.js").body()).contains("setInterval(refresh, REFRESH_MILLIS)");
        assertThat(get("/status.css").statusCode()).isEqualTo(200);
        assertThat(get("/missing.html").statusCode()).isEqualTo(404);
        assertThat(get("/health").body()).isEqualTo("UP\n");
    }

    private static void assertJsonError(final HttpResponse<String> response, final String message) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        final JsonNode body = RecordJson.mapper().readTree(response.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("error").asText()).contains(message);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static List<String> texts(final JsonNode array, final String field) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.get(field).asText()).toList();
    }

    private static JsonNode okJson(final String path) throws Exception {
        final HttpResponse<String> response = expect(200, path);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return RecordJson.mapper().readTree(response.body());
    }

    private static HttpResponse<String> expect(final int status, final String path) throws Exception {
        final HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(status);
        return response;
    }

    private static HttpResponse<String> get(final String path) throws Exception {
        return get(server, path);
    }

    private static HttpResponse<String> get(final HealthServer target, final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(target, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(final HealthServer target, final String path) {
        return URI.create("http://127.0.0.1:" + target.port() + path);
    }
}
