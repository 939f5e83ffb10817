package io.ethproofmanager.app.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency histogram's bins and percentiles, and the timeline's sample times, without a database. */
class LatencyHistogramTest {

    @Test
    void binWidthIsOneTwoOrFiveTimesAPowerOfTenCoveringTheMaximum() {
        assertThat(LatencyHistogram.binWidth(100, 20)).isEqualTo(5.0);
        assertThat(LatencyHistogram.binWidth(101, 20)).isEqualTo(10.0);
        assertThat(LatencyHistogram.binWidth(3, 20)).isEqualTo(0.2);
        assertThat(LatencyHistogram.binWidth(7200, 20)).isEqualTo(500.0);
        assertThat(LatencyHistogram.binWidth(0, 20)).isEqualTo(1.0);
    }

    @Test
    void everyLatencyIsInOneBinTheMaximumInTheLast() {
        final LatencyHistogram histogram = LatencyHistogram.of(List.of(latency(270, "fermah", 0), latency(270, "fermah", 9.99),
                latency(271, "lagrange", 10), latency(271, "lagrange", 20)), 2);

        assertThat(histogram.binSeconds()).isEqualTo(10.0);
        assertThat(histogram.bins()).isEqualTo(2);
        assertThat(histogram.all().counts()).containsExactly(2L, 2L);
        assertThat(histogram.all().counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(histogram.batches());
        assertThat(histogram.byNetwork()).extracting(LatencyHistogram.Group::name).containsExactly("fermah", "lagrange");
        assertThat(histogram.byChain().get(1).counts()).containsExactly(0L, 2L);
        assertThat(histogram.all().p50Seconds()).isEqualTo(9.99);
        assertThat(histogram.all().maxSeconds()).isEqualTo(20.0);
    }

    @Test
    void chainsAreOrderedAsNumbers() {
        final LatencyHistogram histogram = LatencyHistogram.of(List.of(latency(1000, "fermah", 1), latency(271, "fermah", 1),
                latency(9, "fermah", 1)), 10);

        assertThat(histogram.byChain()).extracting(LatencyHistogram.Group::name).containsExactly("9", "271", "1000");
    }

    @Test
    void noLatencyIsOneEmptyBinWithoutPercentiles() {
        final LatencyHistogram histogram = LatencyHistogram.of(List.of(), 20);

        assertThat(histogram.bins()).isEqualTo(1);
        assertThat(histogram.all().counts()).containsExactly(0L);
        assertThat(histogram.all().p50Seconds()).isNull();
        assertThat(histogram.byNetwork()).isEmpty();
        assertThatThrownBy(() -> LatencyHistogram.of(List.of(), 0)).hasMessage("bins must be between 1 and 100, was 0");
    }

    @Test
    void sampleTimesAreEvenlySpacedFromFirstAndReachTheLast() {
        final Instant first = Instant.parse("2026-11-01T10:00:00Z");

        assertThat(BatchChartQueries.stepMicros(first, first.plusSeconds(30), 4)).isEqualTo(10_000_000);
        assertThat(BatchChartQueries.sampleCount(first, first.plusSeconds(30), 10_000_000)).isEqualTo(4);
        // 31 s over 3 steps: 10.333334 s each, 4 times, the last 1 microsecond after the last change
        assertThat(BatchChartQueries.stepMicros(first, first.plusSeconds(31), 4)).isEqualTo(10_333_334);
        assertThat(BatchChartQueries.sampleCount(first, first.plusSeconds(31), 10_333_334)).isEqualTo(4);
        assertThat(BatchChartQueries.stepMicros(first, first, 60)).isEqualTo(1);
        assertThat(BatchChartQueries.sampleCount(first, first, 1)).isEqualTo(1);
        assertThat(BatchChartQueries.sampleCount(first, first.plusNanos(2000),
                BatchChartQueries.stepMicros(first, first.plusNanos(2000), 60))).isEqualTo(3);
    }

    private static FinalLatency latency(final long chain, final String network, final double seconds) {
        return new FinalLatency(chain, network, FinalLatency.VALIDATED, seconds);
    }
}
