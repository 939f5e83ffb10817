-- A proof request whose not-picked-up deadline (chain time) passed before the L1 sender signed it is recorded as
-- 'expired', without a transaction, and never sent afterwards: the one record that decides that a batch was not picked
-- up. Its reason goes in revert_reason.
ALTER TABLE l1_transaction_attempts DROP CONSTRAINT l1_transaction_attempts_state_check;
ALTER TABLE l1_transaction_attempts ADD CONSTRAINT l1_transaction_attempts_state_check CHECK (state IN (
    'prepared', 'broadcast', 'mined', 'reverted', 'replaced', 'held_fee_cap', 'unknown', 'expired'));
ALTER TABLE l1_transaction_attempts DROP CONSTRAINT l1_transaction_attempts_tx_check;
ALTER TABLE l1_transaction_attempts ADD CONSTRAINT l1_transaction_attempts_tx_check CHECK (
    (nonce IS NULL AND tx_hash IS NULL AND raw_tx IS NULL AND state IN ('held_fee_cap', 'reverted', 'expired'))
    OR (nonce IS NOT NULL AND tx_hash IS NOT NULL AND raw_tx IS NOT NULL AND state NOT IN ('held_fee_cap', 'expired')));
-- at most one expiry per command, whatever races
CREATE UNIQUE INDEX l1_transaction_attempts_expired_idx ON l1_transaction_attempts (command_id) WHERE state = 'expired';
