package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ethproofmanager.sandbox.DemoSummary.FinalBatch;
import io.ethproofmanager.sandbox.DemoSummary.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

    private static final String VALIDATED = "validation_result_sent_to_l1";
    private static final String FALLEN_BACK = "fallen_back";

    @Test
    void countsAddUpByStatusReasonValidationAndNetwork() {
        final DemoSummary summary = summary(List.of(), Optional.empty());

        assertThat(summary.countsByStatus()).containsExactly(Map.entry(FALLEN_BACK, 7), Map.entry(VALIDATED, 5));
        assertThat(summary.countsByFallbackReason()).containsExactly(Map.entry("invalid_proof", 1), Map.entry("refused", 2),
                Map.entry("refused_at_submission", 4));
        assertThat(summary.countsByValidation()).containsExactly(Map.entry("successful", 5));
        assertThat(summary.countsByNetwork()).containsExactly(
                Map.entry("-", Map.of(FALLEN_BACK, 4)),
                Map.entry("fermah", Map.of(VALIDATED, 3, FALLEN_BACK, 2)),
                Map.entry("lagrange", Map.of(VALIDATED, 2, FALLEN_BACK, 1)));
    }

    @Test
    void percentilesOfAHundredSamplesAreTheirRanksWithinHdrHistogramPrecision() {
        // validated in 1..100 s, fallen back (refused) in 0.5 s each
        final List<FinalBatch> finals = new ArrayList<>();
        IntStream.rangeClosed(1, 100).forEach(i -> finals.add(new FinalBatch(i, VALIDATED, "-", "fermah", Duration.ofSeconds(i))));
        IntStream.rangeClosed(101, 110).forEach(i -> finals.add(new FinalBatch(i, FALLEN_BACK, "refused", "lagrange", Duration.ofMillis(500))));
        final DemoSummary summary = summary(finals, Optional.of(Duration.ofSeconds(55)));

        final DemoSummary.Latency validated = summary.readyToValidated();
        assertThat(validated.count()).isEqualTo(100);
        assertThat(seconds(validated.p50())).isCloseTo(50, within(0.05));
        assertThat(seconds(validated.p99())).isCloseTo(99, within(0.1));
        assertThat(seconds(validated.max())).isCloseTo(100, within(0.1));
        assertThat(summary.readyToFallenBackSamples()).containsOnlyKeys("refused");
        assertThat(summary.readyToFallenBackSamples().get("refused")).hasSize(10).containsOnly(Duration.ofMillis(500));
        final DemoSummary.Latency all = summary.readyToFinal();
        assertThat(all.count()).isEqualTo(110);
        assertThat(seconds(all.p50())).isCloseTo(45, within(0.05)); // 55th of 110: the ten 0.5 s ones, then 1..45 s
        assertThat(summary.batchesPerSecond()).hasValueSatisfying(rate -> assertThat(rate).isCloseTo(2.0, within(1e-9)));
        assertThat(summary.allFinal()).isFalse(); // 110 finals of 200 seeded
    }

    @Test
    void noSamplesGiveAnEmptyLatencyAndNoRate() {
        final DemoSummary summary = summary(List.of(), Optional.empty());

        assertThat(summary.readyToValidated()).isEqualTo(new DemoSummary.Latency(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThat(summary.batchesPerSecond()).isEmpty();
    }

    @Test
    void theManagersSummaryPrintsTheRecord() {
        final DemoSummary summary = summary(List.of(new FinalBatch(1, VALIDATED, "-", "fermah", Duration.ofMillis(10_400))),
                Optional.of(Duration.ofSeconds(12)));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        DemoRun.print(summary, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("Demo summary: 200 batches")
                .containsPattern("fallen_back +7 +6")
                .containsPattern("fallen_back +- +refused_at_submission +- +4")
                .contains("ready -> validation result on L1 (record time): p50 10.4 s, p99 10.4 s over 1 batches");
    }

    private static DemoSummary summary(final List<FinalBatch> finals, final Optional<Duration> wall) {
        final List<Outcome> outcomes = List.of(
                new Outcome(FALLEN_BACK, "-", "invalid_proof", "fermah", 1),
                new Outcome(FALLEN_BACK, "-", "refused", "fermah", 1),
                new Outcome(FALLEN_BACK, "-", "refused", "lagrange", 1),
                new Outcome(FALLEN_BACK, "-", "refused_at_submission", "-", 4),
                new Outcome(VALIDATED, "successful", "-", "fermah", 3),
                new Outcome(VALIDATED, "successful", "-", "lagrange", 2));
        return new DemoSummary(200, Map.of(FALLEN_BACK, 7, VALIDATED, 5), Map.of(FALLEN_BACK, 6, VALIDATED, 5), outcomes, finals, wall);
    }

    private static double seconds(final Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
