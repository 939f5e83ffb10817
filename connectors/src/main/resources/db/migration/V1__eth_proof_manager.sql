-- The manager's own tables. The rollup's proof_generation_details is created separately (db/rollup), and only when asked.

-- Each batch's current row, written by the Postgres sink from the batch-status topic.
CREATE TABLE eth_proof_manager (
    chain_id                             BIGINT      NOT NULL,
    l1_batch_number                      BIGINT      NOT NULL,
    status                               TEXT        NOT NULL,
    version                              BIGINT      NOT NULL,
    proof_gen_data_blob_url              TEXT,
    protocol_version                     TEXT,
    proof_blob_url                       TEXT,
    assigned_to                          TEXT,
    sent_proof_request_tx_hash           TEXT,
    sent_proof_validation_result_tx_hash TEXT,
    validation_status                    TEXT,
    fallback_reason                      TEXT,
    created_at                           TIMESTAMPTZ NOT NULL,
    updated_at                           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chain_id, l1_batch_number),
    CONSTRAINT eth_proof_manager_status_check CHECK (status IN (
        'ready_to_be_proven', 'request_sent_to_l1', 'acknowledged', 'received_proof',
        'validation_result_sent_to_l1', 'fallen_back')),
    CONSTRAINT eth_proof_manager_validation_status_check CHECK (validation_status IN ('successful', 'failed')),
    CONSTRAINT eth_proof_manager_assigned_to_check CHECK (assigned_to IN ('none', 'fermah', 'lagrange')),
    CONSTRAINT eth_proof_manager_version_check CHECK (version >= 1)
);

CREATE INDEX eth_proof_manager_status_idx ON eth_proof_manager (status, l1_batch_number);

-- Every status change of every batch (one row per version), for the history of a batch and for audits.
CREATE TABLE eth_proof_manager_history (
    chain_id        BIGINT      NOT NULL,
    l1_batch_number BIGINT      NOT NULL,
    version         BIGINT      NOT NULL,
    status          TEXT        NOT NULL,
    record          JSONB       NOT NULL,
    changed_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chain_id, l1_batch_number, version)
);

-- The readiness checker's progress per rollup batch: published once, or failing with a backoff.
CREATE TABLE eth_proof_manager_readiness (
    l1_batch_number BIGINT      PRIMARY KEY,
    public_blob_url TEXT,
    published_at    TIMESTAMPTZ,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_error      TEXT
);
