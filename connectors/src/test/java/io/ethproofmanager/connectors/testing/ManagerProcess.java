package io.ethproofmanager.connectors.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real manager (a main class: the service's or the sandbox's) in a JVM of its own, with the test's class path, its output in a log file and its
 * HTTP port on a free port: started, awaited until {@code /ready} answers 200, and stopped as an operator or a crash would
 * stop it (SIGTERM, SIGKILL).
 */
public final class ManagerProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final Path log;

    private ManagerProcess(final Process process, final int httpPort, final Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code arguments} and {@code environment} (EPM_HTTP_PORT is set to a free port), with
     * the test's class path.
     */
    public static ManagerProcess start(final Class<?> mainClass, final List<String> arguments, final Map<String, String> environment,
            final Path log) throws IOException {
        final int httpPort = freePort();
        final List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(arguments);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("EPM_HTTP_PORT", Integer.toString(httpPort));
        return new ManagerProcess(builder.start(), httpPort, log);
    }

    /** Waits until the manager answers 200 on {@code /ready}; fails with its output when it exits or takes {@code timeout}. */
    public ManagerProcess awaitReady(final Duration timeout) throws Exception {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the manager exited with code %d before it was ready; its output:%n%s", process.exitValue(), output());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (final IOException notYet) {
                // the HTTP server is not up yet
            }
            Thread.sleep(200);
        }
        fail("the manager did not answer 200 on /ready within %d s; its output:%n%s", timeout.toSeconds(), output());
        return this;
    }

    /** SIGTERM; true when it exited within {@code timeout}. */
    public boolean terminate(final Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    }

    /** SIGKILL ({@code kill -9}): no shutdown hook runs; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The port of its health, metrics and status endpoints. */
    public int httpPort() {
        return httpPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
