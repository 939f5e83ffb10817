-- The columns of the rollup's proof_generation_details that the hand-off writes, as zksync-era's migration for the
-- proof manager adds them: proving_mode says who proves the batch ('proving_network' by default; a batch that falls back
-- is set to 'prover_cluster', with status 'unpicked', for the rollup's own provers). Runs only with
-- database.create-rollup-tables = true, like V1: a real rollup already has them.
DO $$
BEGIN
    CREATE TYPE proving_mode AS ENUM ('proving_network', 'prover_cluster');
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;

ALTER TABLE proof_generation_details ADD COLUMN IF NOT EXISTS proving_mode proving_mode DEFAULT 'proving_network';
