package io.ethproofmanager.connectors.source.readiness;

/** Why a batch could not be published in a round; the {@code reason} tag of {@code epm_readiness_failures_total}. */
public enum FailureReason {
    /** The rollup's blob store has no object at the batch's location. */
    BLOB_MISSING("blob_missing"),
    /** The rollup's object exists but could not be read (or its location is not a valid key). */
    BLOB_UNREADABLE("blob_unreadable"),
    /** The copy could not be written to the public blob store. */
    PUBLIC_WRITE_FAILED("public_write_failed"),
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
