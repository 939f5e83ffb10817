package io.ethproofmanager.app.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The ready to final latency distribution of finished batches, per network and per chain, on bins shared by every group
 * so that their bars line up: {@code bins} bins of {@code binSeconds} (1, 2 or 5 times a power of ten) from 0, bin i
 * holding [i x binSeconds, (i + 1) x binSeconds) and the last one also its upper edge. Percentiles are nearest-rank.
 */
public record LatencyHistogram(double binSeconds, int bins, long batches, Group all, List<Group> byNetwork,
        List<Group> byChain) {

    /** The most bins a histogram has. */
    public static final int MAX_BINS = 100;
    static final List<String> OUTCOMES = List.of(FinalLatency.VALIDATED, FinalLatency.FAILED, FinalLatency.FALLEN_BACK);

    public LatencyHistogram {
        byNetwork = List.copyOf(byNetwork);
        byChain = List.copyOf(byChain);
    }

    /** One group's batches: how many, p50, p90 and max seconds (null when none), and per bin, in all and per outcome. */
    public record Group(String name, long batches, Double p50Seconds, Double p90Seconds, Double maxSeconds,
            List<Long> counts, Map<String, List<Long>> outcomes) {
    }

    /** The histogram of {@code latencies} on at most {@code maxBins} bins. */
    public static LatencyHistogram of(final List<FinalLatency> latencies, final int maxBins) {
        if (maxBins < 1 || maxBins > MAX_BINS) {
            throw new IllegalArgumentException("bins must be between 1 and " + MAX_BINS + ", was " + maxBins);
        }
        final double max = latencies.stream().mapToDouble(FinalLatency::seconds).max().orElse(0);
        final double width = binWidth(max, maxBins);
        final int bins = Math.max(1, (int) Math.ceil(max / width));
        return new LatencyHistogram(width, bins, latencies.size(), group("all", latencies, width, bins),
                groups(latencies, FinalLatency::network, Comparator.naturalOrder(), width, bins),
                groups(latencies, latency -> String.valueOf(latency.chainId()),
                        Comparator.comparingLong(Long::parseLong), width, bins));
    }

    /** The smallest of 1, 2 or 5 times a power of ten that covers {@code max} in {@code maxBins} bins; 1 for no spread. */
    static double binWidth(final double max, final int maxBins) {
        if (max <= 0) {
            return 1;
        }
        final double raw = max / maxBins;
        final double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        for (final double step : new double[] {1, 2, 5, 10}) {
            if (step * decade >= raw) {
                return step * decade;
            }
        }
        return 10 * decade;
    }

    private static List<Group> groups(final List<FinalLatency> latencies, final Function<FinalLatency, String> key,
            final Comparator<String> order, final double width, final int bins) {
        final Map<String, List<FinalLatency>> byKey = new TreeMap<>(order);
        latencies.forEach(latency -> byKey.computeIfAbsent(key.apply(latency), k -> new ArrayList<>()).add(latency));
        return byKey.entrySet().stream().map(entry -> group(entry.getKey(), entry.getValue(), width, bins)).toList();
    }

    private static Group group(final String name, final List<FinalLatency> members, final double width, final int bins) {
        final long[] counts = new long[bins];
        final Map<String, long[]> outcomes = new LinkedHashMap<>();
        OUTCOMES.forEach(outcome -> outcomes.put(outcome, new long[bins]));
        for (final FinalLatency latency : members) {
            final int bin = Math.min(bins - 1, (int) Math.floor(latency.seconds() / width));
            counts[bin]++;
            outcomes.get(latency.outcome())[bin]++;
        }
        final double[] sorted = members.stream().mapToDouble(FinalLatency::seconds).sorted().toArray();
        final Map<String, List<Long>> outcomeCounts = new LinkedHashMap<>();
        outcomes.forEach((outcome, perBin) -> outcomeCounts.put(outcome, boxed(perBin)));
        return new Group(name, sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.90),
                sorted.length == 0 ? null : sorted[sorted.length - 1], boxed(counts), outcomeCounts);
    }

    private static Double percentile(final double[] sorted, final double fraction) {
        if (sorted.length == 0) {
            return null;
        }
        return sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)];
    }

    private static List<Long> boxed(final long[] values) {
        final List<Long> list = new ArrayList<>(values.length);
        for (final long value : values) {
            list.add(value);
        }
        return List.copyOf(list);
    }
}
