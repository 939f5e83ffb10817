package io.ethproofmanager.connectors.blob;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.util.Objects;

/** A blob store in one Google Cloud Storage bucket (production); credentials come from the environment (ADC). */
public final class GcsBlobStore implements BlobStore {

    private static final int NOT_FOUND = 404;

    private final Storage storage;
    private final String bucket;
    private final String publicUrlBase;

    /** A store in {@code bucket} whose URLs are {@code https://storage.googleapis.com/<bucket>/<key>}. */
    public GcsBlobStore(final Storage storage, final String bucket) {
        this(storage, bucket, "https://storage.googleapis.com/" + checkedBucket(bucket) + "/");
    }

    /** A store in {@code bucket} whose URLs are {@code publicUrlBase} followed by the key (e.g. a CDN in front of it). */
    public GcsBlobStore(final Storage storage, final String bucket, final String publicUrlBase) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.bucket = checkedBucket(bucket);
        this.publicUrlBase = BlobKeys.withTrailingSlash(publicUrlBase);
    }

    /** The production store: the default {@link Storage} service with Application Default Credentials. */
    public static GcsBlobStore withDefaultCredentials(final String bucket) {
        return new GcsBlobStore(StorageOptions.getDefaultInstance().getService(), bucket);
    }

    /** The production store with its own public URL base. */
    public static GcsBlobStore withDefaultCredentials(final String bucket, final String publicUrlBase) {
        return new GcsBlobStore(StorageOptions.getDefaultInstance().getService(), bucket, publicUrlBase);
    }

    @Override
    public byte[] read(final String location) {
        final String key = BlobKeys.keyOf(location, publicUrlBase);
        try {
            return storage.readAllBytes(BlobId.of(bucket, key));
        } catch (final StorageException e) {
            if (e.getCode() == NOT_FOUND) {
                throw new BlobNotFoundException("no blob at " + BlobKeys.shown(location) + " (gs://" + bucket + "/" + key + ")", e);
            }
            throw new BlobStoreException("cannot read blob at " + BlobKeys.shown(location) + " (gs://" + bucket + "/" + key + "): "
                    + e.getCode() + " " + e.getMessage(), e);
        }
    }

    /** The object's size from its metadata (one {@code objects.get}, the content is not downloaded). */
    @Override
    public long size(final String location) {
        final String key = BlobKeys.keyOf(location, publicUrlBase);
        final Blob blob;
        try {
            blob = storage.get(BlobId.of(bucket, key));
        } catch (final StorageException e) {
            throw new BlobStoreException("cannot tell the size of the blob at " + BlobKeys.shown(location) + " (gs://" + bucket
                    + "/" + key + "): " + e.getCode() + " " + e.getMessage(), e);
        }
        if (blob == null) {
            throw new BlobNotFoundException("no blob at " + BlobKeys.shown(location) + " (gs://" + bucket + "/" + key + ")");
        }
        final Long size = blob.getSize();
        if (size == null) {
            throw new BlobStoreException("Cloud Storage did not tell the size of gs://" + bucket + "/" + key);
        }
        return size;
    }

    @Override
    public String write(final String key, final byte[] data) {
        Objects.requireNonNull(data, "data");
        final BlobInfo info = BlobInfo.newBuilder(bucket, BlobKeys.checked(key)).setContentType("application/octet-stream").build();
        try {
            storage.create(info, data);
        } catch (final StorageException e) {
            throw new BlobStoreException("cannot write blob gs://" + bucket + "/" + key + " (" + data.length + " bytes): "
                    + e.getCode() + " " + e.getMessage(), e);
        }
        return publicUrlBase + key;
    }

    @Override
    public String toString() {
        return "GcsBlobStore[gs://" + bucket + " as " + publicUrlBase + "]";
    }

    private static String checkedBucket(final String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank() || bucket.contains("/")) {
            throw new IllegalArgumentException("bucket must be a bucket name, was '" + bucket + "'");
        }
        return bucket;
    }
}
