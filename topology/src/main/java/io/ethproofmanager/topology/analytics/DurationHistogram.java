package io.ethproofmanager.topology.analytics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A compact histogram of durations in whole seconds, with log-scale buckets whose estimates are within 1 % of the true
 * value; samples can be removed again, so a retracted event takes its sample back out.
 *
 * @param zeros samples of 0 seconds (same block)
 * @param buckets sample counts by bucket index {@code i}; bucket {@code i} holds the values in (γ^(i-1), γ^i]
 */
public record DurationHistogram(long zeros, SortedMap<Integer, Long> buckets) {

    /** Relative accuracy of every estimate. */
    public static final double RELATIVE_ACCURACY = 0.01;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    public DurationHistogram {
        if (zeros < 0) {
            throw new IllegalArgumentException("zeros must not be negative, was " + zeros);
        }
        Objects.requireNonNull(buckets, "buckets");
        if (buckets.values().stream().anyMatch(count -> count <= 0)) {
            throw new IllegalArgumentException("bucket counts must be positive, were " + buckets);
        }
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }

    public static DurationHistogram empty() {
        return new DurationHistogram(0L, new TreeMap<>());
    }

    /** The number of samples. */
    public long count() {
        return zeros + buckets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** This histogram with one more sample of {@code seconds} (negative durations count as 0). */
    public DurationHistogram plus(final long seconds) {
        return change(seconds, 1L);
    }

    /** This histogram without one sample of {@code seconds}; a sample that is not there is not removed. */
    public DurationHistogram minus(final long seconds) {
        return change(seconds, -1L);
    }

    /** The estimated {@code quantile} (0 to 1) of the samples, within 1 %; empty when there are none. */
    public Optional<Double> quantile(final double quantile) {
        if (quantile < 0 || quantile > 1) {
            throw new IllegalArgumentException("quantile must be between 0 and 1, was " + quantile);
        }
        final long count = count();
        if (count == 0) {
            return Optional.empty();
        }
        final long rank = Math.max(1L, (long) Math.ceil(quantile * count));
        if (rank <= zeros) {
            return Optional.of(0.0);
        }
        long seen = zeros;
        for (final Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return Optional.of(estimate(bucket.getKey()));
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond " + count + " samples");
    }

    private DurationHistogram change(final long seconds, final long delta) {
        if (seconds <= 0) {
            return new DurationHistogram(Math.max(0L, zeros + delta), buckets);
        }
        final TreeMap<Integer, Long> changed = new TreeMap<>(buckets);
        final long count = changed.getOrDefault(index(seconds), 0L) + delta;
        if (count > 0) {
            changed.put(index(seconds), count);
        } else {
            changed.remove(index(seconds));
        }
        return new DurationHistogram(zeros, changed);
    }

    private static int index(final long seconds) {
        return (int) Math.ceil(Math.log(seconds) / LOG_GAMMA);
    }

    private static double estimate(final int index) {
        return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
    }
}
