package io.ethproofmanager.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.ethproofmanager.app.Main;
import io.ethproofmanager.app.ProofManagerService;
import io.ethproofmanager.sandbox.simulate.ManagerJvm;
import io.ethproofmanager.schemas.RecordJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Instances of one deployment, each the production service ({@code app.Main --config}) in a JVM of its own: the settings
 * every instance shares, and per instance its {@code epm.kafka.instance-id} and data directory; the HTTP port is a free
 * one, fixed across its restarts. Tells which instance holds each source role, from their {@code /api/instance}.
 */
final class ManagerPeers implements AutoCloseable {

    /** The source roles, each held by one instance. */
    static final List<String> ROLES = List.of(ProofManagerService.READINESS_ROLE, ProofManagerService.INGESTER_ROLE);

    private final List<ManagerJvm> jvms;

    private ManagerPeers(final List<ManagerJvm> jvms) {
        this.jvms = List.copyOf(jvms);
    }

    /**
     * Starts one JVM per name of {@code instanceIds} with {@code shared} (the {@code epm} settings, without the HTTP port,
     * which each JVM gets on a free port), its data directory and its log under {@code dir}.
     */
    static ManagerPeers start(final Config shared, final Path dir, final List<String> instanceIds) {
        final List<ManagerJvm> jvms = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (final String id : instanceIds) {
                final Config own = shared.withoutPath("epm.http.port")
                        .withValue("epm.kafka.instance-id", ConfigValueFactory.fromAnyRef(id))
                        .withValue("epm.data-dir", ConfigValueFactory.fromAnyRef(dir.resolve(id).toString()));
                final Path file = dir.resolve(id + ".conf");
                Files.writeString(file, own.root().render(ConfigRenderOptions.concise().setFormatted(true)));
                final ManagerJvm jvm = new ManagerJvm(id, Main.class.getName(), file, freePort(), dir.resolve(id + ".log"));
                jvms.add(jvm);
                jvm.start();
            }
        } catch (final IOException e) {
            jvms.forEach(ManagerJvm::close);
            throw new UncheckedIOException("cannot start the instances in " + dir, e);
        }
        return new ManagerPeers(jvms);
    }

    List<ManagerJvm> jvms() {
        return jvms;
    }

    /** Waits until every instance answers 200 on {@code /ready}; fails naming the one that did not, and its log. */
    void awaitReady(final Duration timeout) throws InterruptedException {
        for (final ManagerJvm jvm : jvms) {
            if (!jvm.awaitReady(timeout)) {
                throw new IllegalStateException(jvm.name() + " was not ready within " + timeout.toSeconds() + " s (alive: "
                        + jvm.isAlive() + "); its log: " + jvm.log());
            }
        }
    }

    /**
     * Waits until each source role runs on exactly one live instance; returns role to that instance.
     *
     * @throws IllegalStateException when that does not happen within {@code timeout}
     */
    Map<String, ManagerJvm> awaitEachRoleHeldOnce(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, List<ManagerJvm>> held = Map.of();
        while (System.nanoTime() < deadline) {
            held = holders();
            if (held.values().stream().allMatch(h -> h.size() == 1)) {
                final Map<String, ManagerJvm> single = new LinkedHashMap<>();
                held.forEach((role, jvm) -> single.put(role, jvm.getFirst()));
                return single;
            }
            Thread.sleep(100);
        }
        final Map<String, List<String>> names = new LinkedHashMap<>();
        held.forEach((role, jvm) -> names.put(role, jvm.stream().map(ManagerJvm::name).toList()));
        throw new IllegalStateException("the source roles were not each running on one instance within "
                + timeout.toSeconds() + " s: " + names);
    }

    /** Role to the live instances that say they hold it and run it. */
    Map<String, List<ManagerJvm>> holders() {
        final Map<String, List<ManagerJvm>> held = new LinkedHashMap<>();
        ROLES.forEach(role -> held.put(role, new ArrayList<>()));
        for (final ManagerJvm jvm : jvms) {
            if (!jvm.isAlive()) {
                continue;
            }
            final Optional<String> body = jvm.get("/api/instance");
            if (body.isEmpty()) {
                continue;
            }
            for (final JsonNode role : RecordJson.readTree(body.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .path("roles")) {
                if (role.path("heldHere").asBoolean() && role.path("running").asBoolean()
                        && held.containsKey(role.path("role").asText())) {
                    held.get(role.path("role").asText()).add(jvm);
                }
            }
        }
        return held;
    }

    /** Stops every instance (SIGTERM, then {@code kill -9} after 40 s), the last started first. */
    @Override
    public void close() {
        jvms.reversed().forEach(ManagerJvm::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
