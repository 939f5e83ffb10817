package io.ethproofmanager.connectors.blob;

/**
 * A store of immutable blobs addressed by key: the rollup's store of proof generation data (read) and the public store
 * proving networks download from (written). Failures are unchecked {@link BlobStoreException}s; a missing object is a
 * {@link BlobNotFoundException}.
 */
public interface BlobStore {

    /**
     * Reads the whole object at {@code location}: its key in this store, or the URL {@link #write} returned for it.
     *
     * @throws BlobNotFoundException when there is no such object
     * @throws BlobStoreException when the object cannot be read
     */
    byte[] read(String location);

    /**
     * The size in bytes of the object at {@code location}, asked of the store without reading the object.
     *
     * @throws BlobNotFoundException when there is no such object
     * @throws BlobStoreException when the store cannot tell
     */
    long size(String location);

    /**
     * Writes (or replaces) the object at {@code key} and returns its URL as readers will fetch it.
     *
     * @throws BlobStoreException when the object cannot be written
     */
    String write(String key, byte[] data);
}
