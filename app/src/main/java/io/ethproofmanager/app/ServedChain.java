package io.ethproofmanager.app;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One rollup chain as the running service serves it: its {@code proof_generation_details} (in the manager's database, or
 * in a database of its own whose pool this holds and closes) and its opened blob stores.
 */
final class ServedChain implements AutoCloseable {

    private static final int OWN_DATABASE_POOL_SIZE = 2;

    private final ManagerSettings.RollupChain settings;
    private final ProofGenerationDetails details;
    private final Optional<Database> ownDatabase;
    private final BlobStore rollupBlobs;
    private final BlobStore publicBlobs;

    private ServedChain(final ManagerSettings.RollupChain settings, final ProofGenerationDetails details,
            final Optional<Database> ownDatabase, final BlobStore rollupBlobs, final BlobStore publicBlobs) {
        this.settings = settings;
        this.details = details;
        this.ownDatabase = ownDatabase;
        this.rollupBlobs = rollupBlobs;
        this.publicBlobs = publicBlobs;
    }

    /** Opens chain {@code settings}' database (when of its own) and blob stores; {@code manager} is the manager's database. */
    static ServedChain open(final ManagerSettings.RollupChain settings, final Database manager, final Path dataDir) {
        final ManagerSettings.RollupDatabase rollup = settings.proofGenerationDetails();
        final Optional<Database> own = rollup.url().map(url -> Database.connect(url, rollup.user(), rollup.password(),
                OWN_DATABASE_POOL_SIZE));
        final ProofGenerationDetails details = new ProofGenerationDetails(own.orElse(manager).dataSource(), rollup.schema(),
                own.isEmpty());
        return new ServedChain(settings, details, own,
                BlobStores.open(settings.rollupBlobs(), dataDir.resolve(settings.defaultRollupDirectory())),
                // the public store holds both the published proof inputs and the received proofs
                BlobStores.open(settings.publicBlobs(), dataDir.resolve("blobs/public")));
    }

    long id() {
        return settings.id();
    }

    ProofGenerationDetails details() {
        return details;
    }

    BlobStore rollupBlobs() {
        return rollupBlobs;
    }

    BlobStore publicBlobs() {
        return publicBlobs;
    }

    /** Creates the rollup's {@code proof_generation_details} where missing (local rollups: the sandbox, tests). */
    void createRollupTables() {
        Database.createRollupTables(details.dataSource(), details.schema());
    }

    @Override
    public void close() {
        ownDatabase.ifPresent(Database::close);
    }

    @Override
    public String toString() {
        return "chain " + settings.id() + " (" + details + ", rollup blobs " + rollupBlobs + ")";
    }
}
