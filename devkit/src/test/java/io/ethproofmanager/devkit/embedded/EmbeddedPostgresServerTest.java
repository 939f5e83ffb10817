package io.ethproofmanager.devkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL keeps its port across processes on one data directory and tells tools its JDBC URL. */
class EmbeddedPostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void aRestartOnTheSameDataDirectoryKeepsThePortAndTheUrlFileConnects() throws Exception {
        final Path data = dir.resolve("postgres");
        final String firstUrl;
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data)) {
            assertThat(first.jdbcUrlFile()).isEqualTo(data.resolve("jdbc-url"));
            firstUrl = Files.readString(first.jdbcUrlFile()).trim();
            assertThat(firstUrl).isEqualTo(first.jdbcUrl() + "?user=postgres");
            createTable(firstUrl);
        }

        try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data)) {
            assertThat(second.jdbcUrl()).as("the port of the first run").isEqualTo(firstUrl.substring(0, firstUrl.indexOf('?')));
            assertThat(Files.readString(second.jdbcUrlFile()).trim()).isEqualTo(firstUrl);
            assertThat(countRows(firstUrl)).as("the same database, reached through the file's URL").isEqualTo(1);
        }
    }

    @Test
    void aPortTakenByAnotherProcessMovesTheServerAndTheFileFollows() throws Exception {
        final Path data = dir.resolve("postgres");
        final String firstUrl;
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data)) {
            firstUrl = Files.readString(first.jdbcUrlFile()).trim();
            createTable(firstUrl);
        }
        final int firstPort = Integer.parseInt(firstUrl.replaceFirst("^jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));

        try (ServerSocket squatter = new ServerSocket(firstPort, 1, InetAddress.getLoopbackAddress());
                EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data)) {
            final String secondUrl = Files.readString(second.jdbcUrlFile()).trim();
            assertThat(secondUrl).isNotEqualTo(firstUrl).isEqualTo(second.jdbcUrl() + "?user=postgres");
            assertThat(countRows(secondUrl)).isEqualTo(1);
        }
    }

    @Test
    void aServerLeftRunningByAKilledProcessIsStoppedAndTheDataDirectoryStartsAgainOnItsPort() throws Exception {
        final Path data = dir.resolve("postgres");
        final Process owner = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), PostgresOwnerProcess.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        final String url;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()))) {
            url = out.lines().filter(line -> line.startsWith("UP ")).findFirst().orElseThrow().substring(3);
        }
        createTable(url + "?user=postgres");
        final long leftover = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim());

        owner.destroyForcibly().waitFor(); // kill -9: no hook stops the server
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).as("PostgreSQL outlives its owner").contains(true);

        try (EmbeddedPostgresServer restarted = EmbeddedPostgresServer.start(data)) {
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).as("the leftover is stopped").isFalse();
            assertThat(restarted.jdbcUrl()).as("on the port of the killed process's server").isEqualTo(url);
            assertThat(countRows(url + "?user=postgres")).as("with its data").isEqualTo(1);
        }
    }

    private static void createTable(final String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (1)");
        }
    }

    private static int countRows(final String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*) FROM kept")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
