-- Every attempt of the L1 sender to make a command's transaction, written BEFORE the transaction is broadcast, so that a
-- sender killed at any point finds on restart what it may have sent (hash and signed bytes) and sends nothing twice.
-- Rows with a transaction carry its nonce, hash and raw signed bytes; rows without one record a command that was
-- held (fee above the cap) or refused by the contract at estimation.
CREATE TABLE l1_transaction_attempts (
    command_id               TEXT        NOT NULL,
    attempt                  INTEGER     NOT NULL,
    kind                     TEXT        NOT NULL,
    chain_id                 BIGINT      NOT NULL,
    l1_batch_number          BIGINT      NOT NULL,
    from_address             TEXT        NOT NULL,
    nonce                    BIGINT,
    tx_hash                  TEXT,
    raw_tx                   BYTEA,
    max_fee_per_gas          NUMERIC(78, 0) NOT NULL,
    max_priority_fee_per_gas NUMERIC(78, 0) NOT NULL,
    state                    TEXT        NOT NULL,
    revert_reason            TEXT,
    block_number             BIGINT,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (command_id, attempt),
    CONSTRAINT l1_transaction_attempts_attempt_check CHECK (attempt >= 1),
    CONSTRAINT l1_transaction_attempts_kind_check CHECK (kind IN ('submit_proof_request', 'submit_proof_validation_result')),
    CONSTRAINT l1_transaction_attempts_state_check CHECK (state IN (
        'prepared', 'broadcast', 'mined', 'reverted', 'replaced', 'held_fee_cap', 'unknown')),
    CONSTRAINT l1_transaction_attempts_tx_check CHECK (
        (nonce IS NULL AND tx_hash IS NULL AND raw_tx IS NULL AND state IN ('held_fee_cap', 'reverted'))
        OR (nonce IS NOT NULL AND tx_hash IS NOT NULL AND raw_tx IS NOT NULL AND state <> 'held_fee_cap'))
);

CREATE INDEX l1_transaction_attempts_state_idx ON l1_transaction_attempts (state);
CREATE UNIQUE INDEX l1_transaction_attempts_tx_hash_idx ON l1_transaction_attempts (tx_hash) WHERE tx_hash IS NOT NULL;
