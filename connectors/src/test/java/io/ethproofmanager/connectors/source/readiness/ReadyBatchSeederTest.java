package io.ethproofmanager.connectors.source.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devkit's {@link ReadyBatchSeeder} against a real database with the rollup's table. */
class ReadyBatchSeederTest {

    private static Database database;

    @TempDir
    Path rollupRoot;

    @BeforeAll
    static void freshDatabase() {
        database = SharedInfrastructure.freshDatabase("readiness_seeder_test");
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Test
    void seedsReadyRowsAfterTheHighestBatchWithReadableBlobs() throws SQLException {
        ReadinessRow.execute(database.dataSource(), "INSERT INTO proof_generation_details (l1_batch_number, status) VALUES (41, 'generated')");
        final var store = new FileSystemBlobStore(rollupRoot);

        final List<Long> first = ReadyBatchSeeder.seed(database.dataSource(), store::write, 3, new Random(1));
        final List<Long> second = ReadyBatchSeeder.seed(database.dataSource(), store::write, 2, new Random(2));

        assertThat(first).containsExactly(42L, 43L, 44L);
        assertThat(second).containsExactly(45L, 46L);
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT l1_batch_number, status, proof_gen_data_blob_url FROM proof_generation_details
                         WHERE l1_batch_number > 41 ORDER BY l1_batch_number""")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getString(2)).isEqualTo("unpicked");
                assertThat(rs.getString(3)).isEqualTo("proof_gen_data/" + rs.getLong(1) + ".bin");
                assertThat(store.read(rs.getString(3)).length).isBetween(2 * 1024, 8 * 1024);
            }
            assertThat(rows).isEqualTo(5);
        }
    }
}
