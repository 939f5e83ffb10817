-- The readiness checker's progress per rollup chain: one checker per configured chain, each keyed by (chain id, batch).
-- Rows from before were written by a single-chain deployment: they are its chain's, the first configured chain
-- (the placeholder, set by the service at start).
ALTER TABLE eth_proof_manager_readiness ADD COLUMN chain_id BIGINT;
UPDATE eth_proof_manager_readiness SET chain_id = ${chain_of_existing_readiness};
ALTER TABLE eth_proof_manager_readiness ALTER COLUMN chain_id SET NOT NULL;
ALTER TABLE eth_proof_manager_readiness DROP CONSTRAINT eth_proof_manager_readiness_pkey;
ALTER TABLE eth_proof_manager_readiness ADD PRIMARY KEY (chain_id, l1_batch_number);
