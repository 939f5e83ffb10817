package io.ethproofmanager.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --config FILE} on a broker and a PostgreSQL it does not own (started here as a user's would run): the run
 * passes the oracle in a database of its own on that server, and a second run on the same broker is refused, naming the
 * topics an earlier run left.
 */
class SimulationOnExternalServersTest {

    @TempDir
    Path dir;

    @Test
    void aRunOnExternalServersUsesADatabaseOfItsOwnAndASecondOnTheSameBrokerIsRefused() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"))) {
            final Path config = dir.resolve("external.conf");
            Files.writeString(config, "epm.kafka.bootstrap-servers = \"" + broker.bootstrapServers() + "\"\n"
                    + "epm.database.url = \"" + postgres.jdbcUrl() + "\"\n"
                    + "epm.database.user = \"" + postgres.user() + "\"\n"
                    + "epm.database.password = \"" + postgres.password() + "\"\n");
            final Simulation.Options options = new Simulation.Options(10, 3, FaultKind.parse("none"), Duration.ofMinutes(4),
                    Optional.of(dir.resolve("run")), Optional.of(config), "valid=3,refuse=1", 20, 2, 1, "fermah",
                    Duration.ofSeconds(600), Duration.ofSeconds(10));
            final ByteArrayOutputStream report = new ByteArrayOutputStream();
            final Simulation.Result result;
            try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
                result = Simulation.run(options, out);
            }
            final String text = report.toString(StandardCharsets.UTF_8);

            assertThat(result.verdict().violations()).as(text).isEmpty();
            assertThat(result.finished()).as(text).isTrue();
            assertThat(databases(postgres)).as("a database of the run's own").anyMatch(name -> name.startsWith("epm_sim_3_"));
            assertThat(Files.exists(dir.resolve("run/kafka"))).as("no broker of its own").isFalse();
            assertThat(Files.exists(dir.resolve("run/postgres"))).as("no PostgreSQL of its own").isFalse();

            assertThatThrownBy(() -> Simulation.run(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                    .hasMessageContaining("already has the manager's topics").hasMessageContaining("epm.batch-status.v1");
        }
    }

    @Test
    void theRunsDatabaseIsOnTheSameServerWithTheSameParameters() {
        assertThat(ExternalServers.withDatabase("jdbc:postgresql://db:5432/epm?sslmode=require", "epm_sim_7_1"))
                .isEqualTo("jdbc:postgresql://db:5432/epm_sim_7_1?sslmode=require");
        assertThat(ExternalServers.withDatabase("jdbc:postgresql://db", "epm_sim_7_1")).isEqualTo("jdbc:postgresql://db/epm_sim_7_1");
        assertThatThrownBy(() -> ExternalServers.withDatabase("jdbc:mysql://db/epm", "x")).hasMessageContaining("epm.database.url");
    }

    private static List<String> databases(final EmbeddedPostgresServer postgres) throws Exception {
        final List<String> names = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
