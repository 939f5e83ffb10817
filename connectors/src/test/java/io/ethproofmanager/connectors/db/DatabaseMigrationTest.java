package io.ethproofmanager.connectors.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class DatabaseMigrationTest {

    @Test
    void migrationsCreateTheSeedColumnsAndAreIdempotent() throws SQLException {
        try (Database db = SharedInfrastructure.freshDatabase("migration_test")) {
            db.migrate(true, 271);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                final var rs = s.executeQuery("""
                        SELECT column_name FROM information_schema.columns WHERE table_name = 'eth_proof_manager'""");
                final var columns = new java.util.HashSet<String>();
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
                assertThat(columns).contains("l1_batch_number", "status", "proof_gen_data_blob_url", "proof_blob_url",
                        "assigned_to", "sent_proof_request_tx_hash", "sent_proof_validation_result_tx_hash",
                        "validation_status", "created_at", "updated_at");
                s.execute("INSERT INTO proof_generation_details (l1_batch_number, status) VALUES (1, 'unpicked')");
            }
        }
    }

    @Test
    void theStatusColumnRefusesUnknownStatuses() throws SQLException {
        try (Database db = SharedInfrastructure.freshDatabase("status_check_test");
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("""
                    INSERT INTO eth_proof_manager (chain_id, l1_batch_number, status, version, created_at, updated_at)
                    VALUES (271, 1, 'proven_somehow', 1, now(), now())"""))
                    .hasMessageContaining("eth_proof_manager_status_check");
        }
    }

    @Test
    void withoutRollupTablesOnlyTheManagersTablesExist() throws SQLException {
        try (Database fresh = SharedInfrastructure.freshDatabase("no_rollup_test")) {
            try (Connection c = fresh.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE proof_generation_details");
                s.execute("DROP TABLE flyway_rollup_schema_history");
            }
            fresh.migrate(false, 271);
            try (Connection c = fresh.dataSource().getConnection(); Statement s = c.createStatement()) {
                final var rs = s.executeQuery("SELECT to_regclass('proof_generation_details') IS NULL");
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void readinessProgressKeptFromASingleChainVersionBelongsToTheFirstConfiguredChain() throws SQLException {
        try (Database db = SharedInfrastructure.emptyDatabase("readiness_v4_test")) {
            Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").target("3").load().migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO eth_proof_manager_readiness (l1_batch_number, public_blob_url, published_at, attempts)"
                        + " VALUES (7, 'file:/p/7', now(), 1)");
            }
            db.migrate(false, 324);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                final var rs = s.executeQuery("SELECT chain_id, l1_batch_number FROM eth_proof_manager_readiness");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(324);
                assertThat(rs.getLong(2)).isEqualTo(7);
                s.execute("INSERT INTO eth_proof_manager_readiness (chain_id, l1_batch_number, attempts) VALUES (325, 7, 0)");
                assertThatThrownBy(() -> s.execute(
                        "INSERT INTO eth_proof_manager_readiness (chain_id, l1_batch_number, attempts) VALUES (324, 7, 0)"))
                        .hasMessageContaining("eth_proof_manager_readiness_pkey");
            }
        }
    }
}
