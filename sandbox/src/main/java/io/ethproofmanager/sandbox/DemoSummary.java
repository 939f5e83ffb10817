package io.ethproofmanager.sandbox;

import io.ethproofmanager.schemas.BatchStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * What a demo run came to, as data: its batches' statuses in PostgreSQL and on the status topic, the final outcomes in
 * PostgreSQL, and per batch that reached a final status on the topic, how long it took from ready.
 *
 * @param batches the number of seeded demo batches
 * @param inPostgres batches by status in {@code eth_proof_manager}
 * @param onTopic demo batches by their latest status on the status topic
 * @param outcomes {@code eth_proof_manager} grouped by status, validation, fallback reason and network
 * @param finals the demo batches that reached a final status on the status topic
 * @param seedingToLastFinal from just before seeding to the last final status seen on the status topic (wall clock);
 *     empty when some batch has not reached one
 */
public record DemoSummary(int batches, Map<String, Integer> inPostgres, Map<String, Integer> onTopic, List<Outcome> outcomes,
        List<FinalBatch> finals, Optional<Duration> seedingToLastFinal) {

    public DemoSummary {
        inPostgres = Map.copyOf(inPostgres);
        onTopic = Map.copyOf(onTopic);
        outcomes = List.copyOf(outcomes);
        finals = List.copyOf(finals);
    }

    /**
     * One group of {@code eth_proof_manager} rows; "-" where the column is empty.
     *
     * @param fallbackReason the reason's wire name (without its detail)
     */
    public record Outcome(String status, String validation, String fallbackReason, String network, int count) {
    }

    /**
     * A demo batch with a final status on the status topic.
     *
     * @param status {@code validation_result_sent_to_l1} or {@code fallen_back}
     * @param fallbackReason the reason's wire name, "-" when validated
     * @param network the assigned network, "-" when none
     * @param readyToFinal from the batch's ready record time to its final record time, or to when the final status was seen
     *     on the topic when that is earlier (deadline fallbacks are stamped in chain time, which the demo runs fast)
     */
    public record FinalBatch(long batchNumber, String status, String fallbackReason, String network, Duration readyToFinal) {

        public boolean validated() {
            return BatchStatus.VALIDATION_RESULT_SENT_TO_L1.wireName().equals(status);
        }
    }

    /** Percentiles of some latency samples (HdrHistogram, 3 significant digits). */
    public record Latency(long count, Duration p50, Duration p99, Duration max) {

        public static Latency of(final List<Duration> samples) {
            final Histogram histogram = new Histogram(3);
            samples.forEach(sample -> histogram.recordValue(Math.max(0, sample.toNanos() / 1_000)));
            return new Latency(histogram.getTotalCount(), micros(histogram.getValueAtPercentile(50)),
                    micros(histogram.getValueAtPercentile(99)), micros(histogram.getMaxValue()));
        }

        private static Duration micros(final long micros) {
            return Duration.ofNanos(micros * 1_000);
        }
    }

    /** Whether every demo batch reached a final status on the status topic. */
    public boolean allFinal() {
        return finals.size() >= batches;
    }

    /** Rows of {@code eth_proof_manager} by status, summed over the outcome groups. */
    public Map<String, Integer> countsByStatus() {
        return outcomes.stream().collect(Collectors.toMap(Outcome::status, Outcome::count, Integer::sum, TreeMap::new));
    }

    /** Fallen-back rows of {@code eth_proof_manager} by fallback reason. */
    public Map<String, Integer> countsByFallbackReason() {
        return outcomes.stream().filter(o -> BatchStatus.FALLEN_BACK.wireName().equals(o.status()))
                .collect(Collectors.toMap(Outcome::fallbackReason, Outcome::count, Integer::sum, TreeMap::new));
    }

    /** Validated rows of {@code eth_proof_manager} by validation status (successful, failed). */
    public Map<String, Integer> countsByValidation() {
        return outcomes.stream().filter(o -> BatchStatus.VALIDATION_RESULT_SENT_TO_L1.wireName().equals(o.status()))
                .collect(Collectors.toMap(Outcome::validation, Outcome::count, Integer::sum, TreeMap::new));
    }

    /** Rows of {@code eth_proof_manager} by assigned network, then status. */
    public Map<String, Map<String, Integer>> countsByNetwork() {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::network, TreeMap::new,
                Collectors.toMap(Outcome::status, Outcome::count, Integer::sum, TreeMap::new)));
    }

    /** Ready to validation result on L1 (successful or failed). */
    public List<Duration> readyToValidatedSamples() {
        return finals.stream().filter(FinalBatch::validated).map(FinalBatch::readyToFinal).toList();
    }

    /** Ready to fallen back, by fallback reason. */
    public Map<String, List<Duration>> readyToFallenBackSamples() {
        return finals.stream().filter(f -> !f.validated()).collect(Collectors.groupingBy(FinalBatch::fallbackReason, TreeMap::new,
                Collectors.mapping(FinalBatch::readyToFinal, Collectors.toList())));
    }

    /** Ready to any final status. */
    public List<Duration> readyToFinalSamples() {
        return finals.stream().map(FinalBatch::readyToFinal).toList();
    }

    public Latency readyToValidated() {
        return Latency.of(readyToValidatedSamples());
    }

    public Latency readyToFinal() {
        return Latency.of(readyToFinalSamples());
    }

    /** Final demo batches per second of {@link #seedingToLastFinal()}. */
    public Optional<Double> batchesPerSecond() {
        return seedingToLastFinal.filter(d -> !d.isZero()).map(d -> finals.size() / (d.toNanos() / 1e9));
    }
}
