package io.ethproofmanager.topology.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ethproofmanager.schemas.RecordJson;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class NetworkStatsHistogramTest {

    @Test
    void emptyHistogramHasNoQuantile() {
        assertThat(DurationHistogram.empty().quantile(0.5)).isEmpty();
    }

    @Test
    void everyEstimateIsWithinOnePercent() {
        for (final long seconds : new long[] {1L, 2L, 7L, 30L, 120L, 300L, 4_799L, 7_200L, 86_400L}) {
            final double estimate = DurationHistogram.empty().plus(seconds).quantile(0.5).orElseThrow();

            assertThat(estimate).as("estimate of %d s", seconds).isCloseTo(seconds, within(seconds * 0.01));
        }
    }

    @Test
    void medianAndP99OfOneToHundredSeconds() {
        final DurationHistogram histogram = LongStream.rangeClosed(1L, 100L)
                .boxed().reduce(DurationHistogram.empty(), DurationHistogram::plus, (a, b) -> a);

        assertThat(histogram.count()).isEqualTo(100L);
        assertThat(histogram.quantile(0.5).orElseThrow()).isCloseTo(50.0, within(0.5));
        assertThat(histogram.quantile(0.99).orElseThrow()).isCloseTo(99.0, within(0.99));
    }

    @Test
    void zeroSecondsAreCountedApart() {
        final DurationHistogram histogram = DurationHistogram.empty().plus(0L).plus(0L).plus(600L);

        assertThat(histogram.zeros()).isEqualTo(2L);
        assertThat(histogram.quantile(0.5)).contains(0.0);
        assertThat(histogram.quantile(0.99).orElseThrow()).isCloseTo(600.0, within(6.0));
    }

    @Test
    void removedSampleLeavesTheHistogramAsBefore() {
        final DurationHistogram before = DurationHistogram.empty().plus(30L);

        final DurationHistogram after = before.plus(300L).minus(300L);

        assertThat(after).isEqualTo(before);
        assertThat(after.buckets()).hasSize(1);
    }

    @Test
    void removingAMissingSampleChangesNothing() {
        assertThat(DurationHistogram.empty().minus(30L)).isEqualTo(DurationHistogram.empty());
    }

    @Test
    void histogramSurvivesJson() {
        final DurationHistogram histogram = DurationHistogram.empty().plus(0L).plus(30L).plus(30L).plus(4_800L);

        final DurationHistogram read = RecordJson.fromBytes(RecordJson.toBytes(histogram), DurationHistogram.class);

        assertThat(read).isEqualTo(histogram);
    }
}
