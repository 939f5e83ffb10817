package io.ethproofmanager.connectors.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A manager started while PostgreSQL is down waits for it at its migrations instead of exiting. */
class DatabaseMigrateDuringOutageTest {

    @Test
    void migrationsStartedWhilePostgresIsDownRunOnceItIsBack() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(SharedInfrastructure.tempDir("migrate-outage-pg"));
                Database database = Database.connect(postgres.jdbcUrl(), postgres.user(), postgres.password(), 2)) {
            postgres.stop();

            final CompletableFuture<Void> migrated = CompletableFuture.runAsync(() -> database.migrate(true, 271));
            Thread.sleep(8_000); // longer than the pool's 5 s connection timeout
            assertThat(migrated).as("waiting for PostgreSQL, not failed").isNotDone();

            postgres.start();
            migrated.get(90, TimeUnit.SECONDS);
            try (Connection connection = database.dataSource().getConnection();
                    ResultSet tables = connection.getMetaData().getTables(null, null, "eth_proof_manager", null)) {
                assertThat(tables.next()).as("eth_proof_manager created once PostgreSQL was back").isTrue();
            }
        }
    }
}
