package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
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
    /** Each version holds from its change until the batch's next change; counted at every sample time it covers. */
    private static final String TIMELINE = """
            WITH spans AS (
                SELECT status, changed_at AS since,
                       lead(changed_at) OVER (PARTITION BY chain_id, l1_batch_number ORDER BY version) AS until
                FROM eth_proof_manager_history WHERE (?::bigint IS NULL OR chain_id = ?))
            SELECT t.at, s.status, count(*) FROM unnest(?::timestamptz[]) AS t (at)
            JOIN spans s ON s.since <= t.at AND (s.until IS NULL OR s.until > t.at)
            GROUP BY t.at, s.status""";
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
     * How many batches were in each status at {@code points} evenly spaced times from the first recorded status change to
     * the last (one time when they are the same, none when there is no history), of {@code chain} or every chain.
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
            final List<Instant> times = sampleTimes(range.get()[0], range.get()[1], points);
            final Map<Instant, Map<BatchStatus, Long>> counts = new LinkedHashMap<>();
            times.forEach(time -> counts.put(time, zeroCounts()));
            try (PreparedStatement statement = connection.prepareStatement(TIMELINE)) {
                bindChain(statement, chain);
                final Array array = connection.createArrayOf("timestamptz",
                        times.stream().map(Timestamp::from).toArray(Timestamp[]::new));
                statement.setArray(3, array);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        final Instant at = rows.getObject(1, OffsetDateTime.class).toInstant();
                        counts.get(at).put(BatchStatus.fromWireName(rows.getString(2)), rows.getLong(3));
                    }
                }
            }
            final List<StatusTimeline.Point> result = new ArrayList<>();
            counts.forEach((at, byStatus) -> result.add(new StatusTimeline.Point(at, byStatus)));
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

    /** {@code points} times from {@code first} to {@code last} both included, evenly spaced (to the microsecond). */
    static List<Instant> sampleTimes(final Instant first, final Instant last, final int points) {
        if (!last.isAfter(first)) {
            return List.of(first);
        }
        final long spanMicros = Duration.between(first, last).toNanos() / 1000;
        final List<Instant> times = new ArrayList<>();
        for (int i = 0; i < points - 1; i++) {
            times.add(first.plusNanos(spanMicros * i / (points - 1) * 1000));
        }
        times.add(last);
        return times.stream().distinct().toList();
    }

    private static Map<BatchStatus, Long> zeroCounts() {
        final Map<BatchStatus, Long> counts = new EnumMap<>(BatchStatus.class);
        Arrays.stream(BatchStatus.values()).forEach(status -> counts.put(status, 0L));
        return counts;
    }

    private static void bindChain(final PreparedStatement statement, final Optional<Long> chain) throws SQLException {
        if (chain.isPresent()) {
            statement.setLong(1, chain.get());
            statement.setLong(2, chain.get());
        } else {
            statement.setNull(1, Types.BIGINT);
            statement.setNull(2, Types.BIGINT);
        }
    }
}
