package io.ethproofmanager.devkit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's actions against a stand-in node that answers every call with {"result":"0x1"} and counts them. */
class JsonRpcProxyTest {

    private static final String LOGS_OVER_5 = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_getLogs\",\"params\":[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x5\"}]}";
    private static final String BLOCK_NUMBER = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"eth_blockNumber\",\"params\":[]}";

    private final AtomicInteger nodeCalls = new AtomicInteger();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer node;

    @BeforeEach
    void startNode() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.createContext("/", exchange -> {
            try (exchange) {
                nodeCalls.incrementAndGet();
                final byte[] answer = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        node.start();
    }

    @AfterEach
    void stopNode() {
        node.stop(0);
        client.close();
    }

    private String nodeUrl() {
        return "http://127.0.0.1:" + node.getAddress().getPort();
    }

    private HttpResponse<String> call(final JsonRpcProxy proxy, final String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(proxy.url())).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsRewritesAndAnswersInTheNodesStead() throws Exception {
        try (JsonRpcProxy proxy = JsonRpcProxy.start(nodeUrl(), request -> JsonRpcProxy.isLogQueryWiderThan(request, 3)
                ? JsonRpcProxy.rpcError(request, -32005, "query returned more than 10000 results")
                : new JsonRpcProxy.Forward(Duration.ZERO, answer -> answer.replace("0x1", "0x2")))) {
            final HttpResponse<String> passed = call(proxy, BLOCK_NUMBER);
            final HttpResponse<String> refused = call(proxy, LOGS_OVER_5);

            assertThat(passed.statusCode()).isEqualTo(200);
            assertThat(RecordJson.readTree(passed.body().getBytes(StandardCharsets.UTF_8)).get("result").asText()).isEqualTo("0x2");
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(RecordJson.readTree(refused.body().getBytes(StandardCharsets.UTF_8)).path("error").path("code").asInt())
                    .isEqualTo(-32005);
            assertThat(RecordJson.readTree(refused.body().getBytes(StandardCharsets.UTF_8)).get("id").asInt()).isEqualTo(7);
            assertThat(nodeCalls).hasValue(1);
            assertThat(proxy.forwarded()).isEqualTo(1);
        }
    }

    @Test
    void anHttpFailureNeverReachesTheNodeAndACutOffAnswerDoes() throws Exception {
        try (JsonRpcProxy failing = JsonRpcProxy.start(nodeUrl(), request -> JsonRpcProxy.httpFailure(503, "outage"));
                JsonRpcProxy cutting = JsonRpcProxy.start(nodeUrl(), request -> new JsonRpcProxy.CutOff())) {
            assertThat(call(failing, BLOCK_NUMBER).statusCode()).isEqualTo(503);
            assertThat(nodeCalls).hasValue(0);

            assertThatThrownBy(() -> call(cutting, BLOCK_NUMBER)).isInstanceOf(IOException.class);
            assertThat(nodeCalls).as("the call took effect; only its answer was lost").hasValue(1);
        }
    }

    @Test
    void onlyNumberedLogRangesCountAsWide() {
        assertThat(JsonRpcProxy.isLogQueryWiderThan(RecordJson.readTree(LOGS_OVER_5.getBytes(StandardCharsets.UTF_8)), 5)).isFalse();
        assertThat(JsonRpcProxy.isLogQueryWiderThan(RecordJson.readTree(LOGS_OVER_5.getBytes(StandardCharsets.UTF_8)), 4)).isTrue();
        assertThat(JsonRpcProxy.isLogQueryWiderThan(RecordJson.readTree(
                "{\"method\":\"eth_getLogs\",\"params\":[{\"fromBlock\":\"0x1\",\"toBlock\":\"latest\"}]}".getBytes(StandardCharsets.UTF_8)), 1))
                .isFalse();
        assertThat(JsonRpcProxy.isLogQueryWiderThan(null, 1)).isFalse();
    }
}
