package io.ethproofmanager.app.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Serves the status page (static HTML, CSS and vanilla JS from the classpath folder {@code status-page/}) at {@code /}. */
final class StatusPage implements HttpHandler {

    private static final Map<String, Asset> ASSETS = Map.of(
            "/", Asset.load("index.html", "text/html; charset=utf-8"),
            "/index.html", Asset.load("index.html", "text/html; charset=utf-8"),
            "/status.css", Asset.load("status.css", "text/css; charset=utf-8"),
            "/status.js", Asset.load("status.js", "text/javascript; charset=utf-8"));
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.UTF_8);

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final Optional<Asset> asset = "GET".equals(exchange.getRequestMethod())
                    ? Optional.ofNullable(ASSETS.get(exchange.getRequestURI().getPath()))
                    : Optional.empty();
            final byte[] body = asset.map(Asset::bytes).orElse(NOT_FOUND);
            exchange.getResponseHeaders().set("Content-Type", asset.map(Asset::contentType).orElse("text/plain; charset=utf-8"));
            exchange.sendResponseHeaders(asset.isPresent() ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** One file of the page, read once at class load. */
    private record Asset(byte[] bytes, String contentType) {

        static Asset load(final String name, final String contentType) {
            try (InputStream in = StatusPage.class.getResourceAsStream("/status-page/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("status page file status-page/" + name + " is missing from the classpath");
                }
                return new Asset(in.readAllBytes(), contentType);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read status page file status-page/" + name, e);
            }
        }
    }
}
