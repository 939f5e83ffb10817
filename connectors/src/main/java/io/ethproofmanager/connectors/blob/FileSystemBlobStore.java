package io.ethproofmanager.connectors.blob;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob store in a local directory (the default runtime and the demo); writes are atomic (temporary file, then move). A
 * root that cannot be created when the store is made (a mount not back yet, a directory unwritable for a while) is no
 * reason not to start: it is logged, and every write tries again, failing with a {@link BlobStoreException} that names the
 * cause until the directory can be written (the callers retry writes).
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemBlobStore.class);

    private final Path root;
    private final String publicUrlBase;

    /** A store under {@code root} whose URLs are {@code file:} URIs of the objects. */
    public FileSystemBlobStore(final Path root) {
        this(root, createdRoot(root).toUri().toString());
    }

    /** A store under {@code root} whose URLs are {@code publicUrlBase} followed by the key (a slash is put between). */
    public FileSystemBlobStore(final Path root, final String publicUrlBase) {
        this.root = createdRoot(root);
        this.publicUrlBase = BlobKeys.withTrailingSlash(publicUrlBase);
    }

    public Path root() {
        return root;
    }

    @Override
    public byte[] read(final String location) {
        final Path file = resolve(BlobKeys.keyOf(location, publicUrlBase));
        try {
            return Files.readAllBytes(file);
        } catch (final NoSuchFileException e) {
            throw new BlobNotFoundException("no blob at " + BlobKeys.shown(location) + " (file " + file + ")", e);
        } catch (final IOException e) {
            throw new BlobStoreException("cannot read blob at " + BlobKeys.shown(location) + " (file " + file + "): " + e, e);
        }
    }

    @Override
    public long size(final String location) {
        final Path file = resolve(BlobKeys.keyOf(location, publicUrlBase));
        try {
            return Files.size(file);
        } catch (final NoSuchFileException e) {
            throw new BlobNotFoundException("no blob at " + BlobKeys.shown(location) + " (file " + file + ")", e);
        } catch (final IOException e) {
            throw new BlobStoreException("cannot tell the size of the blob at " + BlobKeys.shown(location) + " (file " + file + "): " + e, e);
        }
    }

    @Override
    public String write(final String key, final byte[] data) {
        Objects.requireNonNull(data, "data");
        final Path target = resolve(BlobKeys.checked(key));
        try {
            Files.createDirectories(target.getParent());
            final Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(temp, data);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (final AccessDeniedException e) {
            throw new BlobStoreException("cannot write blob " + BlobKeys.shown(key) + " (" + data.length + " bytes): access denied to " + e.getFile(), e);
        } catch (final IOException e) {
            throw new BlobStoreException("cannot write blob " + BlobKeys.shown(key) + " (" + data.length + " bytes): " + e, e);
        }
        return publicUrlBase + key;
    }

    @Override
    public String toString() {
        return "FileSystemBlobStore[" + root + " as " + publicUrlBase + "]";
    }

    private Path resolve(final String key) {
        final Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("blob key '" + key + "' escapes the store's root " + root);
        }
        return file;
    }

    /** {@code root}, absolute, created when it can be now (writes create it later otherwise). */
    private static Path createdRoot(final Path root) {
        Objects.requireNonNull(root, "root");
        final Path absolute = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (final IOException e) {
            LOG.warn("cannot create the blob store's root directory {} now ({}); writes fail until it can be created", absolute,
                    e.toString());
        }
        return absolute;
    }
}
