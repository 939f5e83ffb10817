package io.ethproofmanager.sandbox.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.blob.BlobStoreException;
import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicBlobStoreSwitchTest {

    @TempDir
    Path dir;

    @Test
    void writesFailWhileBrokenAndEveryBlobIsThereAfterTheRepair() throws Exception {
        final PublicBlobStoreSwitch blobs = PublicBlobStoreSwitch.create(dir.resolve("public"));
        final FileSystemBlobStore store = new FileSystemBlobStore(blobs.path());
        final String before = store.write("inputs/1.bin", new byte[] {1});

        blobs.breakWrites();
        assertThatThrownBy(() -> store.write("inputs/2.bin", new byte[] {2})).isInstanceOf(BlobStoreException.class);
        assertThatThrownBy(() -> store.write("other/3.bin", new byte[] {3})).isInstanceOf(BlobStoreException.class);
        blobs.repair();

        final String after = store.write("inputs/4.bin", new byte[] {4});
        assertThat(store.read(before)).containsExactly(1);
        assertThat(store.read(after)).containsExactly(4);
        blobs.breakWrites();
        blobs.breakWrites();
        blobs.repair();
        blobs.repair();
        assertThat(store.read(before)).containsExactly(1);
    }
}
