/**
 * The crash-safe L1 transaction sender: consumes {@code epm.l1-commands.v1}, makes each command's contract call at most
 * once, publishes what became of it to {@code epm.l1-tx-results.v1} and only then commits the command's offset.
 *
 * <p>Crash safety rests on three rules. (1) Every transaction is signed, then persisted in {@code l1_transaction_attempts}
 * (state {@code prepared}, with its nonce, hash and raw signed bytes), and only then broadcast; a kill between any two
 * steps leaves a row that says what may be on the node. (2) Before sending anything for a command, the sender
 * reconciles: it looks up the receipt of each unresolved attempt, broadcasts again from the persisted bytes (same nonce,
 * so at most one of them can ever mine) a prepared attempt the node does not know, and asks the contract whether the
 * effect is already there ({@code proofRequest(id).submittedAt != 0}, or a recorded validation). (3) One
 * {@link io.ethproofmanager.connectors.sink.l1.NonceKeeper} hands out the signer's nonces for both kinds of call,
 * starting after the node's pending count and after every persisted attempt that may still mine. A stuck transaction
 * is replaced with the same nonce and higher fees, never with a new nonce; an outcome still unknown after the last
 * replacement is published as {@code unknown} and resolved later from the receipts, never by a second request.
 */
package io.ethproofmanager.connectors.sink.l1;
