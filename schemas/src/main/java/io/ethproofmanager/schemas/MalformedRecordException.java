package io.ethproofmanager.schemas;

/** A record that is not what its topic's schema says; the message is the reason given on the dead-letter topic. */
public final class MalformedRecordException extends RuntimeException {

    public MalformedRecordException(final String reason) {
        super(reason);
    }
}
