package io.ethproofmanager.app.status;

import static io.ethproofmanager.app.status.StatusFixtures.START;
import static io.ethproofmanager.schemas.BatchStatus.ACKNOWLEDGED;
import static io.ethproofmanager.schemas.BatchStatus.FALLEN_BACK;
import static io.ethproofmanager.schemas.BatchStatus.READY_TO_BE_PROVEN;
import static io.ethproofmanager.schemas.BatchStatus.REQUEST_SENT_TO_L1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The status page rendered by a real headless Chromium against the running server: the DOM after the page's scripts
 * ran ({@code --dump-dom} once the virtual time budget is spent) shows the counts, a network and a fallback.
 */
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long BROWSER_TIMEOUT_SECONDS = 90;

    @Test
    void pageShowsCountsNetworksAndFallbacksFromTheApi() throws Exception {
        requireChromium();
        try (Database database = SharedInfrastructure.freshDatabase("status_page_browser_test")) {
            final var data = database.dataSource();
            StatusFixtures.writeJourney(data, 1, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED);
            StatusFixtures.writeJourney(data, 2, START, "", READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, ACKNOWLEDGED);
            StatusFixtures.writeJourney(data, 3, START, "", READY_TO_BE_PROVEN);
            StatusFixtures.writeJourney(data, 7, START, "refused: <b>fermah</b> refused the request",
                    READY_TO_BE_PROVEN, REQUEST_SENT_TO_L1, FALLEN_BACK);
            try (HealthServer server = StatusFixtures.serve(data, () -> Map.of(
                    StatusFixtures.fermahAnalytics().network(), StatusFixtures.fermahAnalytics()))) {
                final String dom = renderedDom("http://127.0.0.1:" + server.port() + "/");

                assertThat(countShown(dom, "acknowledged")).hasValue("2");
                assertThat(countShown(dom, "ready_to_be_proven")).hasValue("1");
                assertThat(countShown(dom, "fallen_back")).hasValue("1");
                assertThat(countShown(dom, "received_proof")).hasValue("0");
                assertThat(dom).containsPattern("id=\"counts-total\">4<");
                assertThat(row(dom, "data-network=\"fermah\"")).contains(">7<", ">2.5<", ">300.0<", ">1.50<", ">0.25<")
                        // failed 1, unacknowledged 2, timed out 1, then ack p50
                        .contains(">1</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">2.5<");
                assertThat(row(dom, "data-batch=\"270/7\""))
                        .contains("&lt;b&gt;fermah&lt;/b&gt; refused the request")
                        .contains("2026-11-01T10:00:02Z");
                assertThat(dom).contains("id=\"error\" class=\"error\" hidden=\"\"").containsPattern("updated \\d{4}-");
            }
        }
    }

    @Test
    void chartsDrawTheApiFiguresForEveryChainAndForTheChosenOne() throws Exception {
        requireChromium();
        try (Database database = SharedInfrastructure.freshDatabase("status_page_charts_browser_test")) {
            StatusFixtures.writeTwoChains(database.dataSource());
            try (HealthServer server = StatusFixtures.serve(database.dataSource(), Map::of)) {
                final String base = "http://127.0.0.1:" + server.port();
                final String all = renderedDom(base + "/");

                // the timeline draws, per status, the series the API answers (60 points by default)
                final JsonNode timeline = api(base + "/api/status-timeline");
                assertThat(all).contains("data-points=\"60\"");
                for (final String status : List.of("ready_to_be_proven", "request_sent_to_l1", "acknowledged",
                        "received_proof", "validation_result_sent_to_l1", "fallen_back")) {
                    assertThat(series(all, status)).as(status).isEqualTo(apiSeries(timeline, status));
                }
                assertThat(series(all, "validation_result_sent_to_l1")).startsWith("0,").endsWith(",3");
                assertThat(all).contains("2026-11-01 10:00:00").contains("2026-11-01 10:02:10");
                // latency: per network and per chain, bars on 5 s bins stacked by outcome
                assertThat(figure(all, "network:fermah")).contains("fermah: 2 batches, p50 40.0 s, p90 80.0 s, max 80.0 s")
                        .containsPattern(bar(8, "validated", 1)).containsPattern(bar(16, "validated", 1));
                assertThat(figure(all, "network:lagrange")).containsPattern(bar(19, "failed", 1));
                assertThat(figure(all, "network:none")).containsPattern(bar(5, "fallen_back", 1));
                assertThat(figure(all, "chain:270")).contains("chain 270: 3 batches, p50 40.0 s, p90 100 s, max 100 s");
                assertThat(figure(all, "chain:271")).contains("chain 271: 1 batches");
                assertThat(all).containsPattern("id=\"counts-total\">5<")
                        .contains("<option value=\"\" selected=\"\">all chains</option>")
                        .contains("<option value=\"271\">271 (2 batches)</option>");

                final String chosen = renderedDom(base + "/?chain=271");
                assertThat(chosen).contains("<option value=\"271\" selected=\"\">271 (2 batches)</option>")
                        .containsPattern("id=\"counts-total\">2<")
                        .contains("data-latency-group=\"chain:271\"").doesNotContain("data-latency-group=\"chain:270\"")
                        .doesNotContain("data-latency-group=\"network:lagrange\"")
                        .contains("2026-11-01 10:00:50");
                assertThat(series(chosen, "validation_result_sent_to_l1")).startsWith("0,").endsWith(",1");
                assertThat(series(chosen, "fallen_back")).matches("0(,0)*");
                assertThat(chosen).contains("id=\"fallbacks-empty\" class=\"muted\">");
                assertThat(chosen).contains("id=\"error\" class=\"error\" hidden=\"\"");
            }
        }
    }

    private static JsonNode api(final String url) throws IOException, InterruptedException {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return RecordJson.mapper().readTree(response.body());
    }

    private static String apiSeries(final JsonNode timeline, final String status) {
        return StreamSupport.stream(timeline.get("points").spliterator(), false)
                .map(point -> point.get("counts").get(status).asText()).collect(Collectors.joining(","));
    }

    private static String series(final String dom, final String status) {
        final Matcher matcher = Pattern.compile("data-status=\"" + status + "\" data-counts=\"([0-9,]+)\"").matcher(dom);
        assertThat(matcher.find()).as("the %s area in the rendered page:%n%s", status, dom).isTrue();
        return matcher.group(1);
    }

    private static String figure(final String dom, final String group) {
        final Matcher matcher = Pattern.compile("<figure data-latency-group=\"" + Pattern.quote(group) + "\".*?</figure>")
                .matcher(dom);
        assertThat(matcher.find()).as("the latency histogram of %s in the rendered page:%n%s", group, dom).isTrue();
        return matcher.group();
    }

    private static String bar(final int bin, final String outcome, final int count) {
        return "<rect [^>]*data-bin=\"" + bin + "\" data-outcome=\"" + outcome + "\" data-count=\"" + count + "\"";
    }

    /** Skips only where Chromium is absent outside CI; in CI (env CI set) a missing browser fails the test. */
    private static void requireChromium() {
        final boolean present = Files.isExecutable(CHROMIUM);
        if (!present && System.getenv("CI") != null) {
            fail(CHROMIUM + " is missing in CI: run scripts/ensure-browser.sh before the tests");
        }
        assumeTrue(present, CHROMIUM + " is not installed, so the status page's browser test is skipped;"
                + " run scripts/ensure-browser.sh to install Chromium");
    }

    private static String renderedDom(final String url) throws IOException, InterruptedException {
        final Path profile = Files.createTempDirectory("epm-chromium-profile");
        final Path stderr = Files.createTempFile("epm-chromium", ".log");
        final Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000", "--dump-dom", url))
                .redirectError(stderr.toFile())
                .start();
        chromium.getOutputStream().close();
        final byte[] dom = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            fail("Chromium did not finish rendering " + url + " within " + BROWSER_TIMEOUT_SECONDS + " s; its log: " + stderr);
        }
        assertThat(chromium.exitValue()).as("Chromium's exit code (its log: %s)", stderr).isZero();
        deleteTree(profile);
        Files.delete(stderr);
        return new String(dom, StandardCharsets.UTF_8);
    }

    /** Chromium's profile (a few MB a run) is of no use once the page is rendered. */
    private static void deleteTree(final Path root) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static Optional<String> countShown(final String dom, final String status) {
        final Matcher matcher = Pattern.compile("<tr data-status=\"" + status + "\"><th>" + status
                + "</th><td class=\"num count\">(\\d+)</td></tr>").matcher(dom);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String row(final String dom, final String attribute) {
        final Matcher matcher = Pattern.compile("<tr " + Pattern.quote(attribute) + ">(.*?)</tr>").matcher(dom);
        assertThat(matcher.find()).as("a row with %s in the rendered page:%n%s", attribute, dom).isTrue();
        return matcher.group(1);
    }
}
