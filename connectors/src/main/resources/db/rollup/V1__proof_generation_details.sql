-- The rollup's own table, as the rollup's prover subsystem keeps it. A real deployment already has it:
-- this migration runs only with database.create-rollup-tables = true (the embedded default and the tests).
CREATE TABLE IF NOT EXISTS proof_generation_details (
    l1_batch_number         BIGINT    PRIMARY KEY,
    status                  TEXT      NOT NULL,
    proof_gen_data_blob_url TEXT,
    proof_blob_url          TEXT,
    created_at              TIMESTAMP NOT NULL DEFAULT now(),
    updated_at              TIMESTAMP NOT NULL DEFAULT now()
);
