package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.BlobStoreException;
import java.util.concurrent.atomic.AtomicInteger;

/** A blob store whose first writes fail, as an unreachable bucket would; then it writes to the store it wraps. */
final class FailingBlobStore implements BlobStore {

    private final BlobStore store;
    private final int failures;
    private final AtomicInteger attempts = new AtomicInteger();

    FailingBlobStore(final BlobStore store, final int failures) {
        this.store = store;
        this.failures = failures;
    }

    /** Write attempts so far, failed ones included. */
    int writeAttempts() {
        return attempts.get();
    }

    @Override
    public byte[] read(final String location) {
        return store.read(location);
    }

    @Override
    public long size(final String location) {
        return store.size(location);
    }

    @Override
    public String write(final String key, final byte[] data) {
        final int attempt = attempts.incrementAndGet();
        if (attempt <= failures) {
            throw new BlobStoreException("write " + attempt + " of " + key + " refused: bucket unreachable (test)");
        }
        return store.write(key, data);
    }
}
