package io.ethproofmanager.app.status;

import io.ethproofmanager.schemas.BatchStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Batches by status at evenly spaced times, oldest first: what the status page draws as a stacked area chart. */
public record StatusTimeline(List<Point> points) {

    public StatusTimeline {
        points = List.copyOf(points);
    }

    /** How many batches were in each status (every status present, zero when none) at {@code at}. */
    public record Point(Instant at, Map<BatchStatus, Long> counts) {

        public Point {
            Objects.requireNonNull(at, "at");
            counts = new EnumMap<>(counts);
        }
    }
}
