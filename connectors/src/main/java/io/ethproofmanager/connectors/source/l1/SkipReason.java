package io.ethproofmanager.connectors.source.l1;

/** Why a log read from the node was not published; the tag of the skipped-logs metric. */
public enum SkipReason {
    /** Emitted by another contract than the configured one. */
    OTHER_CONTRACT("other_contract"),
    /** A batch event of a rollup chain id that is not this deployment's. */
    OTHER_CHAIN("other_chain"),
    /** topic0 is none of the events of the contract's interface. */
    UNKNOWN_EVENT("unknown_event"),
    /** The number of topics does not match the event's indexed fields. */
    TOPIC_COUNT("topic_count"),
    /** The log lacks its block, transaction or index (a pending log). */
    INCOMPLETE_LOG("incomplete_log"),
    /** The topics or data do not decode into the event's fields, or a value is out of range. */
    MALFORMED_DATA("malformed_data");

    private final String tag;

    SkipReason(final String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
