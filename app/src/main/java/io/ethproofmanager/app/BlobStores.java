package io.ethproofmanager.app;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.blob.GcsBlobStore;
import java.nio.file.Path;

/** Opens the blob store a {@link ManagerSettings.BlobStore} describes: a directory, or a GCS bucket. */
final class BlobStores {

    private BlobStores() {
    }

    static BlobStore open(final ManagerSettings.BlobStore settings, final Path defaultDirectory) {
        if (settings.isGcs()) {
            final String bucket = settings.bucket().orElseThrow();
            return settings.publicUrlBase()
                    .map(base -> GcsBlobStore.withDefaultCredentials(bucket, base))
                    .orElseGet(() -> GcsBlobStore.withDefaultCredentials(bucket));
        }
        final Path root = settings.path().orElse(defaultDirectory).toAbsolutePath();
        return settings.publicUrlBase()
                .map(base -> new FileSystemBlobStore(root, base))
                .orElseGet(() -> new FileSystemBlobStore(root));
    }
}
