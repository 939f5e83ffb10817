package io.ethproofmanager.devkit.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Plays the rollup in the demo, the benchmarks and tests: adds ready batches to {@code proof_generation_details}, with
 * their blobs.
 */
public final class ReadyBatchSeeder {

    /** Where the rollup's blobs go: the rollup's blob store. */
    @FunctionalInterface
    public interface BlobWriter {
        Object write(String key, byte[] bytes);
    }

    private static final int MIN_BLOB_BYTES = 2 * 1024;
    private static final int MAX_BLOB_BYTES = 8 * 1024;

    private ReadyBatchSeeder() {
    }

    /**
     * Inserts {@code count} ready batches numbered after the current highest, each with a few KB of random proof
     * generation data written first to {@code rollupStore} under {@code proof_gen_data/<n>.bin}; returns their numbers.
     */
    public static List<Long> seed(final DataSource dataSource, final BlobWriter rollupStore, final int count, final Random random) {
        return seed(dataSource, "proof_generation_details", rollupStore, count, random);
    }

    /**
     * As {@link #seed(DataSource, BlobWriter, int, Random)}, into {@code table}: the rollup's table as SQL names it, e.g.
     * {@code "rollup_272".proof_generation_details} for a rollup chain whose table is in a schema of its own.
     */
    public static List<Long> seed(final DataSource dataSource, final String table, final BlobWriter rollupStore, final int count,
            final Random random) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (!table.matches("(\"[a-z_][a-z0-9_]*\"\\.)?proof_generation_details")) {
            throw new IllegalArgumentException("not the rollup's table, optionally in a quoted schema: " + table);
        }
        Objects.requireNonNull(rollupStore, "rollupStore");
        Objects.requireNonNull(random, "random");
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, was " + count);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                final List<Long> seeded = insert(c, table, rollupStore, count, random);
                c.commit();
                return seeded;
            } catch (final SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot seed " + count + " ready batches: " + e.getMessage(), e);
        }
    }

    private static List<Long> insert(final Connection c, final String table, final BlobWriter rollupStore, final int count,
            final Random random) throws SQLException {
        final long first = nextBatchNumber(c, table);
        final List<Long> seeded = new ArrayList<>(count);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO %s (l1_batch_number, status, proof_gen_data_blob_url)
                VALUES (?, 'unpicked', ?)""".formatted(table))) {
            for (long n = first; n < first + count; n++) {
                final String location = "proof_gen_data/" + n + ".bin";
                rollupStore.write(location, randomBlob(random));
                s.setLong(1, n);
                s.setString(2, location);
                s.executeUpdate();
                seeded.add(n);
            }
        }
        return seeded;
    }

    /** The number after the highest batch; the table lock keeps two seeders from taking the same numbers. */
    private static long nextBatchNumber(final Connection c, final String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(l1_batch_number), 0) + 1 FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static byte[] randomBlob(final Random random) {
        final byte[] blob = new byte[MIN_BLOB_BYTES + random.nextInt(MAX_BLOB_BYTES - MIN_BLOB_BYTES + 1)];
        random.nextBytes(blob);
        return blob;
    }
}
