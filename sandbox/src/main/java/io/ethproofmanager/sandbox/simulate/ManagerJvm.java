package io.ethproofmanager.sandbox.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One manager of the simulation (and of the bench's several instances): a main class, the sandbox's or the service's,
 * in a JVM of its own with this JVM's class path and a settings
 * file, its output appended to a log file, its HTTP port fixed across restarts. Started, awaited until {@code /ready}
 * answers 200, killed ({@code kill -9}) and started again on the same data, or stopped with SIGTERM.
 */
public final class ManagerJvm implements AutoCloseable {

    private final String name;
    private final String mainClass;
    private final Path config;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private int starts;

    public ManagerJvm(final String name, final String mainClass, final Path config, final int httpPort, final Path log) {
        this.name = name;
        this.mainClass = mainClass;
        this.config = config;
        this.httpPort = httpPort;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    /** How many times it was started (1 + restarts). */
    int starts() {
        return starts;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        final List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                mainClass, "--config", config.toString()));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the settings file says everything; no setting of the simulation's own environment leaks in
        builder.environment().keySet().removeIf(key -> key.startsWith("EPM_"));
        builder.environment().put("EPM_HTTP_PORT", Integer.toString(httpPort));
        try {
            process = builder.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        starts++;
    }

    /** Waits until {@code /ready} answers 200; false when the JVM exits or {@code timeout} passes first. */
    public boolean awaitReady(final Duration timeout) throws InterruptedException {
        final HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/ready")).timeout(Duration.ofSeconds(2)).build();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                return false;
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (final IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** {@code kill -9}: no shutdown hook runs; returns once the process is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM; true when it exited within {@code timeout}. */
    synchronized boolean terminate(final Duration timeout) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized Optional<Long> pid() {
        return Optional.ofNullable(process).map(Process::pid);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** GETs {@code path} of its HTTP API; the body when it answered 200. */
    public Optional<String> get(final String path) {
        try {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (final IOException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            if (!terminate(Duration.ofSeconds(40))) {
                kill();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
