package io.ethproofmanager.connectors.blob;

/** A blob store operation failed: the object could not be read or written. */
public class BlobStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BlobStoreException(final String message) {
        super(message);
    }

    public BlobStoreException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
