package io.ethproofmanager.connectors.blob;

/** The object asked for does not exist in the blob store. */
public final class BlobNotFoundException extends BlobStoreException {

    private static final long serialVersionUID = 1L;

    public BlobNotFoundException(final String message) {
        super(message);
    }

    public BlobNotFoundException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
