package io.ethproofmanager.connectors.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void writtenBlobIsReadBackByKeyAndByUrl() {
        final var store = new FileSystemBlobStore(root, "https://blobs.example.org/public");
        final byte[] data = "proof inputs".getBytes(StandardCharsets.UTF_8);

        final String url = store.write("proof-inputs/271/5.bin", data);

        assertThat(url).isEqualTo("https://blobs.example.org/public/proof-inputs/271/5.bin");
        assertThat(store.read("proof-inputs/271/5.bin")).isEqualTo(data);
        assertThat(store.read(url)).isEqualTo(data);
    }

    @Test
    void aRootThatCannotBeCreatedAtStartFailsWritesUntilItCanThenTheStoreWorks() throws IOException {
        final Path blocked = root.resolve("public");
        Files.writeString(blocked, "a file where the store's directory should be");

        final var store = new FileSystemBlobStore(blocked);

        assertThatThrownBy(() -> store.write("proof-inputs/271/5.bin", new byte[] {1}))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("cannot write blob 'proof-inputs/271/5.bin'").hasMessageContaining("Not a directory");
        Files.delete(blocked);
        final String url = store.write("proof-inputs/271/5.bin", new byte[] {1, 2});
        assertThat(url).isEqualTo(blocked.resolve("proof-inputs/271/5.bin").toUri().toString());
        assertThat(store.read(url)).containsExactly(1, 2);
    }

    @Test
    void defaultUrlIsTheFileUriOfTheObject() throws IOException {
        final var store = new FileSystemBlobStore(root.resolve("store"));

        final String url = store.write("a/b.bin", new byte[] {1, 2, 3});

        assertThat(url).startsWith("file:").endsWith("/store/a/b.bin");
        assertThat(Files.readAllBytes(Path.of(java.net.URI.create(url)))).containsExactly(1, 2, 3);
    }

    @Test
    void rewriteReplacesTheObjectAndLeavesNoTemporaryFiles() throws IOException {
        final var store = new FileSystemBlobStore(root);
        store.write("k/x.bin", new byte[] {1});

        store.write("k/x.bin", new byte[] {2, 2});

        assertThat(store.read("k/x.bin")).containsExactly(2, 2);
        try (var files = Files.list(root.resolve("k"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x.bin");
        }
    }

    @Test
    void missingObjectIsBlobNotFound() {
        final var store = new FileSystemBlobStore(root);

        assertThatThrownBy(() -> store.read("nothing/here.bin"))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("nothing/here.bin");
    }

    @Test
    void unreadableObjectIsAStoreFailureButNotNotFound() throws IOException {
        final var store = new FileSystemBlobStore(root);
        Files.createDirectories(root.resolve("dir.bin"));

        assertThatThrownBy(() -> store.read("dir.bin"))
                .isInstanceOf(BlobStoreException.class)
                .isNotInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("cannot read blob at 'dir.bin'");
    }

    @Test
    void keysThatWouldEscapeTheRootAreRefused() {
        final var store = new FileSystemBlobStore(root.resolve("inner"));

        assertThatThrownBy(() -> store.write("../outside.bin", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write("a/../../outside.bin", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write("/etc/passwd", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read("../inner/x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(root).isDirectoryNotContaining("glob:**/outside.bin");
    }

    @Test
    void sizeIsToldWithoutReadingAndAMissingObjectIsBlobNotFound() {
        final var store = new FileSystemBlobStore(root, "https://blobs.example.org/public");
        final String url = store.write("inputs/3.bin", new byte[4096]);

        assertThat(store.size("inputs/3.bin")).isEqualTo(4096);
        assertThat(store.size(url)).isEqualTo(4096);
        assertThatThrownBy(() -> store.size("inputs/4.bin")).isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("inputs/4.bin");
    }

    @Test
    void malformedKeysAreRefusedWithAShortMessage() {
        final var store = new FileSystemBlobStore(root);

        assertThatThrownBy(() -> store.read("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> store.read("a/\u0001b\nc.bin")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters").hasMessageContaining("a/\\u0001b\\u000ac.bin");
        assertThatThrownBy(() -> store.size("x".repeat(100_000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1024 bytes").hasMessageContaining("(100000 characters)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        final String segment = "é".repeat(100) + "/"; // 201 bytes of UTF-8
        assertThatThrownBy(() -> store.write(segment.repeat(5) + "x".repeat(25), new byte[1])).as("530 characters, 1030 bytes")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1030 bytes");
        assertThat(store.write(segment.repeat(5) + "x".repeat(19), new byte[1])).as("exactly 1024 bytes").endsWith("/" + "x".repeat(19));
    }
}
