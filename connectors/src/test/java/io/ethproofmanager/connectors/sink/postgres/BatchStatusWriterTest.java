package io.ethproofmanager.connectors.sink.postgres;

import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.CHAIN_ID;
import static io.ethproofmanager.connectors.sink.postgres.StatusRecords.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.schemas.BatchStatusRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchStatusWriterTest {

    private static Database database;
    private static BatchStatusWriter writer;
    private static StatusTables tables;

    @BeforeAll
    static void createDatabase() {
        database = SharedInfrastructure.freshDatabase("batch_status_writer_test");
        writer = new BatchStatusWriter(database.dataSource());
        tables = new StatusTables(database.dataSource());
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE eth_proof_manager, eth_proof_manager_history");
        }
    }

    @Test
    void firstRecordInsertsTheRowWithEveryColumnMapped() throws SQLException {
        final BatchStatusRecord acknowledged = version(7, 3);

        final int changed = writer.write(List.of(acknowledged));

        assertThat(changed).isEqualTo(1);
        assertThat(tables.row(CHAIN_ID, 7)).hasValue(new StatusTables.Row("acknowledged", 3, "0.28.1", "fermah", null,
                acknowledged.sentProofRequestTxHash(), acknowledged.createdAt(), acknowledged.updatedAt()));
        assertThat(tables.history(CHAIN_ID, 7)).containsExactly("3:acknowledged");
    }

    @Test
    void higherVersionMovesTheRowForward() throws SQLException {
        writer.write(List.of(version(7, 1)));

        final int changed = writer.write(List.of(version(7, 5)));

        assertThat(changed).isEqualTo(1);
        assertThat(tables.row(CHAIN_ID, 7)).hasValueSatisfying(row -> {
            assertThat(row.version()).isEqualTo(5);
            assertThat(row.status()).isEqualTo("validation_result_sent_to_l1");
            assertThat(row.validationStatus()).isEqualTo("successful");
            assertThat(row.updatedAt()).isEqualTo(version(7, 5).updatedAt());
        });
        assertThat(tables.history(CHAIN_ID, 7)).containsExactly("1:ready_to_be_proven", "5:validation_result_sent_to_l1");
    }

    @Test
    void aStatusGoingBackAtTheNextVersionMovesTheRowBack() throws SQLException {
        // the sender's request reorganised out (reorged_out): the topology's next version is ready again, without the hash
        writer.write(List.of(version(7, 1), version(7, 2)));
        final BatchStatusRecord ready = version(7, 1);
        final BatchStatusRecord back = new BatchStatusRecord(ready.chainId(), ready.batchNumber(), ready.status(), 3,
                ready.proofGenDataBlobUrl(), ready.protocolVersion(), null, null, null, null, null, null, ready.createdAt(),
                version(7, 3).updatedAt());

        final int changed = writer.write(List.of(back));

        assertThat(changed).isEqualTo(1);
        assertThat(tables.row(CHAIN_ID, 7)).hasValueSatisfying(row -> {
            assertThat(row.version()).isEqualTo(3);
            assertThat(row.status()).isEqualTo("ready_to_be_proven");
            assertThat(row.sentProofRequestTxHash()).isNull();
        });
        assertThat(tables.history(CHAIN_ID, 7))
                .containsExactly("1:ready_to_be_proven", "2:request_sent_to_l1", "3:ready_to_be_proven");
    }

    @Test
    void olderOrEqualVersionRedeliveredDoesNotMoveTheRowBack() throws SQLException {
        writer.write(List.of(version(7, 1), version(7, 2), version(7, 3)));

        final int changed = writer.write(List.of(version(7, 3), version(7, 1), version(7, 2)));

        assertThat(changed).isZero();
        assertThat(tables.row(CHAIN_ID, 7)).hasValueSatisfying(row -> {
            assertThat(row.version()).isEqualTo(3);
            assertThat(row.status()).isEqualTo("acknowledged");
        });
        assertThat(tables.history(CHAIN_ID, 7))
                .containsExactly("1:ready_to_be_proven", "2:request_sent_to_l1", "3:acknowledged");
    }

    @Test
    void severalVersionsInOneCallEndAtTheHighestInAnyOrder() throws SQLException {
        final int changed = writer.write(List.of(version(7, 2), version(8, 1), version(7, 4), version(7, 3), version(8, 2)));

        assertThat(changed).isEqualTo(2);
        assertThat(tables.versions(CHAIN_ID)).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(7L, 4L, 8L, 2L));
        assertThat(tables.row(CHAIN_ID, 7)).hasValueSatisfying(row -> assertThat(row.status()).isEqualTo("received_proof"));
        assertThat(tables.history(CHAIN_ID, 7))
                .containsExactly("2:request_sent_to_l1", "3:acknowledged", "4:received_proof");
        assertThat(tables.history(CHAIN_ID, 8)).containsExactly("1:ready_to_be_proven", "2:request_sent_to_l1");
    }

    @Test
    void historyKeepsTheWholeRecordAsJson() throws SQLException {
        writer.write(List.of(version(9, 4)));

        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("""
                        SELECT record ->> 'proofBlobUrl', record -> 'protocolVersion' ->> 'minor', changed_at
                        FROM eth_proof_manager_history WHERE l1_batch_number = 9""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("https://blobs.example/proofs/9");
            assertThat(rs.getString(2)).isEqualTo("28");
            assertThat(rs.getObject(3, java.time.OffsetDateTime.class).toInstant()).isEqualTo(version(9, 4).updatedAt());
        }
    }

    @Test
    void emptyListWritesNothing() throws SQLException {
        assertThat(writer.write(List.of())).isZero();
        assertThat(tables.historyCount()).isZero();
    }
}
