package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.FflonkVerifierInput;

import io.ethproofmanager.schemas.BatchId;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.web3j.utils.Numeric;

/**
 * The rollup's batch commitments from a configured query on its database. Every {@code ?} of the query is bound to the
 * batch number N; it returns rows of (batch number, commitment), the commitment as 32 bytes ({@code bytea}) or their
 * hex; the rows of N−1 and N are used, e.g. on zksync-era's {@code l1_batches}:
 * {@code SELECT number, commitment FROM l1_batches WHERE number BETWEEN ? - 1 AND ?}.
 */
public final class SqlRollupCommitments implements RollupCommitments {

    private final DataSource dataSource;
    private final String sql;

    public SqlRollupCommitments(final DataSource dataSource, final String sql) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sql = Objects.requireNonNull(sql, "sql");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("the rollup commitments query must not be blank");
        }
    }

    @Override
    public Optional<BigInteger> expectedPublicInput(final BatchId batch) {
        final Map<Long, byte[]> commitments = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            final int parameters = query.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= parameters; i++) {
                query.setLong(i, batch.batchNumber());
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    final Object value = rows.getObject(2);
                    if (value != null) {
                        commitments.put(rows.getLong(1), commitment(value, rows.getLong(1)));
                    }
                }
            }
        } catch (final SQLException e) {
            throw new ProofValidatorUnavailableException("cannot read the rollup's commitments of batches "
                    + (batch.batchNumber() - 1) + " and " + batch.batchNumber() + ": " + e.getMessage(), e);
        }
        final byte[] previous = commitments.get(batch.batchNumber() - 1);
        final byte[] current = commitments.get(batch.batchNumber());
        if (previous == null || current == null) {
            return Optional.empty();
        }
        return Optional.of(FflonkVerifierInput.publicInput(previous, current));
    }

    private static byte[] commitment(final Object value, final long batchNumber) {
        final byte[] bytes = value instanceof byte[] raw ? raw : Numeric.hexStringToByteArray(value.toString().trim());
        if (bytes.length != 32) {
            throw new ProofValidatorUnavailableException("the rollup's commitment of batch " + batchNumber + " is "
                    + bytes.length + " bytes, not 32: check the commitments query");
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "SqlRollupCommitments[" + sql + "]";
    }
}
