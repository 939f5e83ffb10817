package io.ethproofmanager.sandbox.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The public blob store's directory as the managers see it: a symbolic link to the directory that holds the blobs, which
 * the {@code blob-write-failure} fault swaps, in one atomic rename, for a link to a regular file (every write under it
 * then fails, "Not a directory") and back. No window in between lets a manager's write create a directory of its own
 * there, so nothing written before, during or after the fault is lost or hidden.
 */
final class PublicBlobStoreSwitch {

    private final Path link;
    private final Path data;
    private final Path blocker;

    private PublicBlobStoreSwitch(final Path link) {
        this.link = link;
        this.data = link.resolveSibling(link.getFileName() + "-data");
        this.blocker = link.resolveSibling(link.getFileName() + "-unwritable");
    }

    /** Creates the blobs' directory and the link {@code link} to it. */
    static PublicBlobStoreSwitch create(final Path link) throws IOException {
        final PublicBlobStoreSwitch store = new PublicBlobStoreSwitch(link);
        Files.createDirectories(store.data);
        Files.writeString(store.blocker, "simulated blob store failure");
        Files.createSymbolicLink(link, store.data.getFileName());
        return store;
    }

    /** The path the managers are configured with. */
    Path path() {
        return link;
    }

    /** Every write under {@link #path()} fails from now on. */
    void breakWrites() {
        pointTo(blocker);
    }

    /** Writes work again, on the same blobs as before. */
    void repair() {
        pointTo(data);
    }

    private void pointTo(final Path target) {
        final Path next = link.resolveSibling(link.getFileName() + ".next");
        try {
            Files.deleteIfExists(next);
            Files.createSymbolicLink(next, target.getFileName());
            Files.move(next, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot point the public blob store at " + target, e);
        }
    }
}
