package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.contract.proof.L1BatchProof;
import io.ethproofmanager.contract.proof.L1BatchProofCodec;
import io.ethproofmanager.contract.proof.InvalidProofException;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.BlobStoreException;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands batches back to the rollup where its node looks, as the production proof manager does:
 * <ul>
 *   <li>a valid proof: the network's bytes, unchanged, to the rollup's blob store under {@link #proofKey} (default
 *       {@value #DEFAULT_PROOF_KEY_TEMPLATE}), then {@code proof_generation_details.status = 'generated'},
 *       {@code proof_blob_url = <that key>};</li>
 *   <li>a batch that fell back: {@code status = 'unpicked'}, {@code proving_mode = 'prover_cluster'}, for the rollup's
 *       own provers; never over a row already {@code generated}.</li>
 * </ul>
 * Both are idempotent (same key, same values), so a retry or a redelivery changes nothing. Failures throw
 * {@link HandoffException}: the caller retries.
 */
public final class RollupHandoff {

    /** zksync-era's key of a batch's proof in its blob store: bucket {@code proofs_fri}, protocol version with underscores. */
    public static final String DEFAULT_PROOF_KEY_TEMPLATE = "proofs_fri/l1_batch_proof_{batch}_{major}_{minor}_{patch}.cbor";

    private static final Logger LOG = LoggerFactory.getLogger(RollupHandoff.class);

    private final ProofGenerationDetails details;
    private final BlobStore rollupBlobs;
    private final String proofKeyTemplate;

    /** A hand-off failed (blob store or database): retry it. */
    public static final class HandoffException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        HandoffException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    /** A hand-off to the rollup whose {@code proof_generation_details} is in the manager's database {@code rollupDatabase}. */
    public RollupHandoff(final DataSource rollupDatabase, final BlobStore rollupBlobs, final String proofKeyTemplate) {
        this(ProofGenerationDetails.inManagerDatabase(rollupDatabase), rollupBlobs, proofKeyTemplate);
    }

    /** A hand-off to one rollup chain: its {@code proof_generation_details} and its blob store. */
    public RollupHandoff(final ProofGenerationDetails details, final BlobStore rollupBlobs, final String proofKeyTemplate) {
        this.details = Objects.requireNonNull(details, "details");
        this.rollupBlobs = Objects.requireNonNull(rollupBlobs, "rollupBlobs");
        this.proofKeyTemplate = Objects.requireNonNull(proofKeyTemplate, "proofKeyTemplate");
        if (!proofKeyTemplate.contains("{batch}")) {
            throw new IllegalArgumentException("the proof key template must contain {batch}, was '" + proofKeyTemplate + "'");
        }
    }

    /** The key of a batch's proof: the template with {batch}, {chain_id}, {major}, {minor} and {patch} filled in. */
    public String proofKey(final BatchId batch, final ProtocolVersion version) {
        return proofKeyTemplate.replace("{batch}", Long.toString(batch.batchNumber()))
                .replace("{chain_id}", Long.toString(batch.chainId()))
                .replace("{major}", Integer.toString(version.major()))
                .replace("{minor}", Integer.toString(version.minor()))
                .replace("{patch}", Integer.toString(version.patch()));
    }

    /**
     * Writes a valid proof's bytes, unchanged, to the rollup's blob store and marks the batch {@code generated} with
     * its key; returns the key.
     */
    public String handBackValidProof(final BatchId batch, final byte[] proof) {
        final ProtocolVersion version;
        try {
            version = switch (L1BatchProofCodec.decode(proof)) {
                case L1BatchProof.Fflonk fflonk -> fflonk.protocolVersion();
                case L1BatchProof.Other other -> throw new IllegalArgumentException("a valid proof of batch " + batch
                        + " is of variant " + other.variant() + ": only Fflonk proofs are handed back");
            };
        } catch (final InvalidProofException e) {
            throw new IllegalArgumentException("a proof handed back as valid does not decode: " + e.reason(), e);
        }
        final String key = proofKey(batch, version);
        try {
            rollupBlobs.write(key, proof);
        } catch (final BlobStoreException | IllegalArgumentException e) {
            throw new HandoffException("cannot write the proof of batch " + batch + " to the rollup's blob store as " + key
                    + ": " + e.getMessage(), e);
        }
        final int rows = update(batch, """
                UPDATE %s SET status = 'generated', proof_blob_url = ?, updated_at = now()
                WHERE l1_batch_number = ?""", key);
        LOG.info("handed the valid proof of batch {} back to the rollup: {} ({} row(s) of proof_generation_details generated)",
                batch, key, rows);
        return key;
    }

    /** Marks a batch that fell back for the rollup's own provers; returns whether a row changed. */
    public boolean handBackFallenBack(final BatchId batch) {
        final int rows = update(batch, """
                UPDATE %s SET status = 'unpicked', proving_mode = 'prover_cluster', updated_at = now()
                WHERE l1_batch_number = ? AND status <> 'generated'""", null);
        LOG.info("handed batch {} back to the rollup's provers ({} row(s) of proof_generation_details set unpicked, prover_cluster)",
                batch, rows);
        return rows > 0;
    }

    private int update(final BatchId batch, final String sql, final String key) {
        try (Connection connection = details.dataSource().getConnection();
                PreparedStatement update = connection.prepareStatement(sql.formatted(details.table()))) {
            int parameter = 1;
            if (key != null) {
                update.setString(parameter++, key);
            }
            update.setLong(parameter, batch.batchNumber());
            return update.executeUpdate();
        } catch (final SQLException e) {
            throw new HandoffException("cannot update proof_generation_details of batch " + batch + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RollupHandoff[" + details + ", " + rollupBlobs + ", key " + proofKeyTemplate + "]";
    }
}
