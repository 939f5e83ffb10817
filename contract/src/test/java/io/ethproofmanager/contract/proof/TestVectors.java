package io.ethproofmanager.contract.proof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared proof vectors, in {@code ../shared/vectors} beside the repository root (the nearest directory from the
 * working directory up that holds package.json; see {@code /work/shared/vectors/README.md}).
 */
final class TestVectors {

    /** A real proof of a ZKsync batch, protocol version 0.27.0, variant Fflonk. */
    static final String REAL_PROOF = "zksync-l1-batch-proof-1-0.27.0.cbor";
    static final String ORACLE_PUBLIC_INPUTS_HASH = "0x80b0c5b9d9da82cf455f9c50d8e69602088263118375daba67e9fa7bf1cba0e9";
    static final String ORACLE_PROOF_WORDS_HASH = "0xad86ef918dfdbabbad21592f18991c507cd9dab763cd6c79f376cd6f58c331bf";

    private TestVectors() {
    }

    static byte[] read(final String name) {
        final Path file = repositoryRoot().resolve("../shared/vectors").resolve(name).normalize();
        try {
            return Files.readAllBytes(file);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the proof vector " + file + " (the shared vectors live in"
                    + " ../shared/vectors beside the repository)", e);
        }
    }

    /** The real proof's bytes, as a network submits them. */
    static byte[] realProof() {
        return read(REAL_PROOF);
    }

    private static Path repositoryRoot() {
        final Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no package.json in " + start + " or any parent directory");
    }
}
