package io.ethproofmanager.connectors.source.readiness;

/** Why a batch could not be published in a round; the {@code reason} tag of {@code epm_readiness_failures_total}. */
public enum FailureReason {
    /** The rollup's blob store has no object at the batch's location. */
    BLOB_MISSING("blob_missing"),
    /** The batch's blob location is not a key the rollup's store accepts (blank, {@code ..}, control characters, too long). */
    BLOB_LOCATION_INVALID("blob_location_invalid"),
    /** The rollup's object exists but could not be read. */
    BLOB_UNREADABLE("blob_unreadable"),
    /** The rollup's object is larger than the configured limit of proof inputs; it is not read. */
    BLOB_TOO_LARGE("blob_too_large"),
    /** The copy could not be written to the public blob store. */
    PUBLIC_WRITE_FAILED("public_write_failed"),
    /** The readiness event would violate its schema (e.g. a public URL over the length limit): it is not published. */
    EVENT_INVALID("event_invalid"),
    /** Kafka did not acknowledge the readiness event. */
    PUBLISH_FAILED("publish_failed");

    private final String tag;

    FailureReason(final String tag) {
        this.tag = tag;
    }

    /** The metric tag and the prefix of {@code last_error}. */
    public String tag() {
        return tag;
    }
}
