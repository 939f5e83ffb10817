package io.ethproofmanager.devkit.chain;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root: the nearest directory, from the working directory up, that holds package.json. */
final class RepositoryRoot {

    private RepositoryRoot() {
    }

    static Path find() {
        final Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no package.json in " + start + " or any parent directory; run from inside the "
                + "ETH Proof Manager repository and install the node tools with scripts/ensure-node-tools.sh");
    }
}
