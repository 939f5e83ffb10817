package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Read-only queries behind the status page's charts, on {@code eth_proof_manager} and {@code eth_proof_manager_history}
 * (so every instance answers the same): the chains found in the rows, batches by status over time, and the ready to
 * final latency of every finished batch. Each takes an optional chain id; empty means every chain.
 */
public final class BatchChartQueries {

    /** The most sample times one timeline has. */
    public static final int MAX_TIMELINE_POINTS = 200;

    private static final String CHAINS = "SELECT chain_id, count(*) FROM eth_proof_manager GROUP BY chain_id ORDER BY chain_id";
    private static final String HISTORY_RANGE = "SELECT min(changed_at), max(changed_at) FROM eth_proof_manager_history"
            + " WHERE (?::bigint IS NULL OR chain_id = ?)";
    /**
     * Each version holds from its change until the batch's next change, so it covers the sample times {@code k} (the k-th
     * at {@code first + k x step}) in [first, stop): +1 at its first, -1 at its stop; the running sum per status over k
     * is then the number of batches in that status at each sample time. One pass over the history, whatever the number
     * of sample times.
     */
    private static final String TIMELINE = """
            WITH sampling AS (SELECT ?::timestamptz AS first_time, ?::bigint AS step, ?::int AS times),
            spans AS (
                SELECT status, changed_at AS since,
                       lead(changed_at) OVER (PARTITION BY chain_id, l1_batch_number ORDER BY version) AS until
                FROM eth_proof_manager_history WHERE (?::bigint IS NULL OR chain_id = ?)),
            covered AS (
                SELECT status, times,
                       ((round(extract(epoch FROM since - first_time) * 1000000)::bigint + step - 1) / step)::int AS first,
                       CASE WHEN until IS NULL THEN times
                            ELSE least(times, ((round(extract(epoch FROM until - first_time) * 1000000)::bigint + step - 1)
                                               / step)::int) END AS stop
                FROM spans CROSS JOIN sampling),
            deltas AS (
                SELECT status, first AS k, 1 AS delta FROM covered WHERE first < stop
                UNION ALL
                SELECT status, stop, -1 FROM covered WHERE first < stop AND stop < times)
            SELECT status, k, sum(sum(delta)) OVER (PARTITION BY status ORDER BY k) FROM deltas
            GROUP BY status, k ORDER BY status, k""";
    /** From the first ready version to the first final one, of batches whose row is final now. */
    private static final String FINAL_LATENCIES = """
            SELECT m.chain_id, m.assigned_to, m.status, m.validation_status,
                   EXTRACT(EPOCH FROM (min(h.changed_at) FILTER (WHERE h.status IN ('validation_result_sent_to_l1', 'fallen_back'))
                       - min(h.changed_at) FILTER (WHERE h.status = 'ready_to_be_proven')))::double precision
            FROM eth_proof_manager m
            JOIN eth_proof_manager_history h ON h.chain_id = m.chain_id AND h.l1_batch_number = m.l1_batch_number
            WHERE m.status IN ('validation_result_sent_to_l1', 'fallen_back') AND (?::bigint IS NULL OR m.chain_id = ?)
            GROUP BY m.chain_id, m.l1_batch_number, m.assigned_to, m.status, m.validation_status
            HAVING min(h.changed_at) FILTER (WHERE h.status = 'ready_to_be_proven') IS NOT NULL
               AND min(h.changed_at) FILTER (WHERE h.status IN ('validation_result_sent_to_l1', 'fallen_back')) IS NOT NULL""";

    private final DataSource dataSource;

    public BatchChartQueries(final DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Every chain id that has batch rows, ascending, with its number of batches. */
    public Map<Long, Long> chains() {
        final Map<Long, Long> chains = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CHAINS);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                chains.put(rows.getLong(1), rows.getLong(2));
            }
            return chains;
        } catch (final SQLException e) {
            throw new StatusQueryException("cannot read the chains from the database: " + e.getMessage(), e);
        }
    }

    /**
     * How many batches were in each status at evenly spaced times from the first recorded status change on, at most
     * {@code points} of them and the last at or just after the last change (one time when they are the same, none when
     * there is no history), of {@code chain} or every chain.
     */
    public StatusTimeline statusTimeline(final Optional<Long> chain, final int points) {
        Objects.requireNonNull(chain, "chain");
        if (points < 2 || points > MAX_TIMELINE_POINTS) {
            throw new IllegalArgumentException("points must be between 2 and " + MAX_TIMELINE_POINTS + ", was " + points);
        }
        try (Connection connection = dataSource.getConnection()) {
            final Optional<Instant[]> range = historyRange(connection, chain);
            if (range.isEmpty()) {
                return new StatusTimeline(List.of());
            }
            final Instant first = range.get()[0];
            final long step = stepMicros(first, range.get()[1], points);
            final int count = sampleCount(first, range.get()[1], step);
            final Map<BatchStatus, long[]> counts = new EnumMap<>(BatchStatus.class);
            Arrays.stream(BatchStatus.values()).forEach(status -> counts.put(status, new long[count]));
            try (PreparedStatement statement = connection.prepareStatement(TIMELINE)) {
                statement.setObject(1, OffsetDateTime.ofInstant(first, ZoneOffset.UTC));
                statement.setLong(2, step);
                statement.setInt(3, count);
                bindChain(statement, 4, chain);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        // the running sum holds from its sample time to the next change of the same status
                        final long[] series = counts.get(BatchStatus.fromWireName(rows.getString(1)));
                        Arrays.fill(series, Math.max(0, rows.getInt(2)), count, rows.getLong(3));
                    }
                }
            }
            final List<StatusTimeline.Point> result = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                final Map<BatchStatus, Long> byStatus = new EnumMap<>(BatchStatus.class);
                final int index = k;
                counts.forEach((status, series) -> byStatus.put(status, series[index]));
                result.add(new StatusTimeline.Point(first.plus(step * k, ChronoUnit.MICROS), byStatus));
            }
            return new StatusTimeline(result);
        } catch (final SQLException e) {
            throw new StatusQueryException("cannot read the status timeline from the database: " + e.getMessage(), e);
        }
    }

    /** The ready to final latency of every batch of {@code chain} (or every chain) whose row is final now. */
    public List<FinalLatency> finalLatencies(final Optional<Long> chain) {
        Objects.requireNonNull(chain, "chain");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(FINAL_LATENCIES)) {
            bindChain(statement, chain);
            final List<FinalLatency> latencies = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    latencies.add(new FinalLatency(rows.getLong(1), Optional.ofNullable(rows.getString(2)).orElse("none"),
                            FinalLatency.outcome(rows.getString(3), rows.getString(4)), rows.getDouble(5)));
                }
            }
            return latencies;
        } catch (final SQLException e) {
            throw new StatusQueryException("cannot read the final latencies from the database: " + e.getMessage(), e);
        }
    }

    private static Optional<Instant[]> historyRange(final Connection connection, final Optional<Long> chain)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(HISTORY_RANGE)) {
            bindChain(statement, chain);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                final OffsetDateTime first = rows.getObject(1, OffsetDateTime.class);
                final OffsetDateTime last = rows.getObject(2, OffsetDateTime.class);
                return first == null ? Optional.empty() : Optional.of(new Instant[] {first.toInstant(), last.toInstant()});
            }
        }
    }

    /**
     * The whole microseconds between two sample times: the span from {@code first} to {@code last} over
     * {@code points - 1}, rounded up, so that at most {@code points} evenly spaced times from {@code first} reach
     * {@code last}; 1 when they are the same.
     */
    static long stepMicros(final Instant first, final Instant last, final int points) {
        final long span = ChronoUnit.MICROS.between(first, last);
        return Math.max(1, Math.ceilDiv(span, points - 1));
    }

    /** How many sample times {@code step} apart from {@code first} it takes to reach {@code last}, both counted. */
    static int sampleCount(final Instant first, final Instant last, final long step) {
        return Math.toIntExact(Math.ceilDiv(ChronoUnit.MICROS.between(first, last), step) + 1);
    }

    private static void bindChain(final PreparedStatement statement, final Optional<Long> chain) throws SQLException {
        bindChain(statement, 1, chain);
    }

    /** Binds {@code chain} to the two parameters from {@code first} of {@code (?::bigint IS NULL OR chain_id = ?)}. */
    private static void bindChain(final PreparedStatement statement, final int first, final Optional<Long> chain)
            throws SQLException {
        for (int index = first; index < first + 2; index++) {
            if (chain.isPresent()) {
                statement.setLong(index, chain.get());
            } else {
                statement.setNull(index, Types.BIGINT);
            }
        }
    }
}
