package io.ethproofmanager.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * An input record that could not be processed, with the reason. Topic {@link Topics#DEAD_LETTER}; schema
 * {@code v1/dead-letter.schema.json}. Key and value are kept byte-exact in base64 (null when the record had none).
 */
public record DeadLetter(
        String sourceTopic,
        int partition,
        long offset,
        String keyBase64,
        String valueBase64,
        String reason,
        Instant failedAt) {

    public DeadLetter {
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
