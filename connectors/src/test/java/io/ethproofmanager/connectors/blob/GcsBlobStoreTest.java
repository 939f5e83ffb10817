package io.ethproofmanager.connectors.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GcsBlobStoreTest {

    private final Storage storage = LocalStorageHelper.getOptions().getService();

    @Test
    void writtenBlobIsInTheBucketUnderItsKeyWithTheDefaultPublicUrl() {
        final var store = new GcsBlobStore(storage, "public-bucket");
        final byte[] data = "proof inputs".getBytes(StandardCharsets.UTF_8);

        final String url = store.write("proof-inputs/271/7.bin", data);

        assertThat(url).isEqualTo("https://storage.googleapis.com/public-bucket/proof-inputs/271/7.bin");
        assertThat(storage.readAllBytes(BlobId.of("public-bucket", "proof-inputs/271/7.bin"))).isEqualTo(data);
        assertThat(store.read("proof-inputs/271/7.bin")).isEqualTo(data);
        assertThat(store.read(url)).isEqualTo(data);
    }

    @Test
    void customPublicUrlBaseIsUsed() {
        final var store = new GcsBlobStore(storage, "cdn-bucket", "https://cdn.example.org/inputs");

        assertThat(store.write("x.bin", new byte[] {1})).isEqualTo("https://cdn.example.org/inputs/x.bin");
    }

    @Test
    void rewriteReplacesTheObject() {
        final var store = new GcsBlobStore(storage, "rewrite-bucket");
        store.write("k.bin", new byte[] {1});

        store.write("k.bin", new byte[] {2, 2});

        assertThat(store.read("k.bin")).containsExactly(2, 2);
    }

    @Test
    void missingObjectIsBlobNotFound() {
        final var store = new GcsBlobStore(storage, "empty-bucket");

        assertThatThrownBy(() -> store.read("proof_gen_data/404.bin"))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("gs://empty-bucket/proof_gen_data/404.bin");
    }

    @Test
    void unsafeKeysAndBucketNamesAreRefused() {
        assertThatThrownBy(() -> new GcsBlobStore(storage, "a/b")).isInstanceOf(IllegalArgumentException.class);
        final var store = new GcsBlobStore(storage, "safe-bucket");
        assertThatThrownBy(() -> store.write("../x.bin", new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizeComesFromTheObjectsMetadata() {
        final var store = new GcsBlobStore(storage, "size-bucket");
        final String url = store.write("inputs/9.bin", new byte[1234]);

        assertThat(store.size("inputs/9.bin")).isEqualTo(1234);
        assertThat(store.size(url)).isEqualTo(1234);
        assertThatThrownBy(() -> store.size("inputs/10.bin")).isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("gs://size-bucket/inputs/10.bin");
    }
}
