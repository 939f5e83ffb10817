package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.L1Command;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.SubmitProofRequest;
import io.ethproofmanager.schemas.L1TransactionResult.Kind;
import io.ethproofmanager.schemas.L1TransactionResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Turns one L1 command into at most one effective transaction: reconcile the persisted attempts and the contract's
 * state first, then quote fees, sign with the kept nonce, persist, and only then broadcast and await the receipt
 * (replacing a stuck transaction with higher fees and the same nonce).
 *
 * <p>It is also the one place that decides whether a proof request was picked up: a request whose
 * {@code notPickedUpBy} the chain's head has passed, and of which no transaction was ever signed that may still be or
 * become mined, is recorded as {@link AttemptState#EXPIRED} instead of being signed, and reported {@code expired} (the
 * batch then falls back); the recorded expiry is final, so the request is never broadcast afterwards. A request that
 * was signed, even if its fate is unknown, is never expired: it is resolved as usual. A request the contract refuses at
 * estimation or reverts on chain, or whose outcome is unknown, is tried again after the held-retry backoff instead of
 * given up, until it is on chain or expires.
 */
final class CommandProcessor {

    /** The start of the revert reason of a transaction that used all of its gas. */
    static final String OUT_OF_GAS = "out of gas";
    private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);

    private final L1SenderSettings settings;
    private final Lane lane;
    private final LaneLease lease;
    private final L1Node node;
    private final ProofManagerCalls calls;
    private final Attempts attempts;
    private final NonceKeeper nonces;
    private final long l1ChainId;
    private final SenderMetrics metrics;
    private final AtomicReference<Optional<CrashPoint>> crashPoint;
    private final ReceiptWaiter receipts;
    private final Set<String> heldAnnounced = new HashSet<>();
    private final Map<String, String> refusalAnnounced = new HashMap<>();
    /** Hashes of reorged-out transactions broadcast again by {@link #fillNonceGaps}, until reconciliation resolves them. */
    private final Set<String> resentAfterReorg = new HashSet<>();
    /** The node's mined nonce count of the lane's account at the last look for nonce gaps; empty before the first. */
    private Optional<Long> lastMinedCount = Optional.empty();
    /** The nonces last reported as a gap no persisted attempt can fill (reported once). */
    private Optional<List<Long>> reportedGap = Optional.empty();

    /** What to do with a command once processed: the result to publish, and whether its offset may be committed. */
    record Decision(Optional<L1TransactionResult> publish, boolean commit) {

        static Decision done(final L1TransactionResult result) {
            return new Decision(Optional.of(result), true);
        }

        Decision map(final UnaryOperator<L1TransactionResult> change) {
            return new Decision(publish.map(change), commit);
        }
    }

    CommandProcessor(final L1SenderSettings settings, final Lane lane, final LaneLease lease, final L1Node node, final ProofManagerCalls calls, final Attempts attempts,
            final NonceKeeper nonces, final long l1ChainId, final SenderMetrics metrics,
            final AtomicReference<Optional<CrashPoint>> crashPoint, final ReceiptWaiter receipts) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lane = Objects.requireNonNull(lane, "lane");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (!lease.fromAddress().equals(lane.address())) {
            throw new IllegalArgumentException("the " + lease + " is not of " + lane);
        }
        this.node = Objects.requireNonNull(node, "node");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.l1ChainId = l1ChainId;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.crashPoint = Objects.requireNonNull(crashPoint, "crashPoint");
        this.receipts = Objects.requireNonNull(receipts, "receipts");
    }

    /** A command whose transaction is broadcast and awaited: its newest attempt, rounds sent so far, when it times out. */
    static final class InFlight {

        private final L1Command command;
        private Attempt newest;
        private int rounds;
        private long timesOutAt;

        private InFlight(final L1Command command, final Attempt newest, final int rounds, final Duration timeout) {
            this.command = command;
            this.newest = newest;
            this.rounds = rounds;
            this.timesOutAt = System.nanoTime() + timeout.toNanos();
        }

        L1Command command() {
            return command;
        }

        long nonce() {
            return newest.tx().nonce();
        }

        /** Past its receipt timeout: replaced at the next look, unless its wait starts again first. */
        boolean timedOut() {
            return System.nanoTime() - timesOutAt >= 0;
        }

        /** Waits a whole receipt timeout again from now (a nonce gap below it was just filled). */
        void waitAgain(final Duration timeout) {
            timesOutAt = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public String toString() {
            return command.commandId() + " " + newest.tx();
        }
    }

    /** What starting a command gave: its decision now, or its transaction in flight. */
    record Started(Optional<Decision> decision, Optional<InFlight> inFlight) {

        static Started decided(final Decision decision) {
            return new Started(Optional.of(decision), Optional.empty());
        }

        static Started sending(final InFlight inFlight) {
            return new Started(Optional.empty(), Optional.of(inFlight));
        }
    }

    /**
     * Processes one command: reconcile, then (when nothing is on chain or in flight) send and await its receipt; a
     * request found on chain carries its status read back from the contract (a failed read throws, and the redelivered
     * command reads again).
     */
    Decision process(final L1Command command) {
        final Started started = start(command);
        if (started.decision().isPresent()) {
            return started.decision().get();
        }
        final InFlight inFlight = started.inFlight().get();
        return finish(command, Decision.done(await(command, inFlight.newest)));
    }

    /**
     * Starts one command without awaiting its receipt: reconcile, then (when nothing is on chain or in flight) send.
     * The transaction in flight is then followed by {@link #check} together with the lane's others.
     */
    Started start(final L1Command command) {
        final Started started = reconcileOrSend(command);
        return started.decision().map(decision -> Started.decided(finish(command, decision))).orElse(started);
    }

    /**
     * One look at a transaction in flight: its decision when one of its attempts has a receipt (or it is given up after
     * the last round); otherwise it is re-broadcast from its persisted bytes when the node lost it (a dropped
     * transaction leaves a nonce gap the lane's later transactions would wait on), or replaced with bumped fees at its
     * nonce once past its receipt timeout. Called for the lane's transactions lowest nonce first.
     */
    Optional<Decision> check(final InFlight inFlight, final Map<String, TransactionReceipt> receipts) {
        final L1Command command = inFlight.command;
        final List<Attempt> unresolved = unresolved(command);
        for (final Attempt attempt : unresolved.reversed()) {
            final TransactionReceipt receipt = receipts.get(attempt.tx().hash());
            if (receipt != null) {
                crash(CrashPoint.AFTER_RECEIPT);
                return Optional.of(finish(command, Decision.done(record(CommandRef.of(command), attempt, receipt, unresolved))));
            }
        }
        if (!node.knows(inFlight.newest.tx().hash())) {
            final L1Node.Broadcast again = node.broadcast(inFlight.newest.tx());
            if (again == L1Node.Broadcast.NONCE_USED) {
                if (unresolved.stream().anyMatch(attempt -> node.receipt(attempt.tx().hash()).isPresent())) {
                    return Optional.empty(); // mined meanwhile: the next look records it
                }
                unresolved.forEach(attempt -> attempts.update(attempt, AttemptState.REPLACED,
                        Optional.of("nonce " + attempt.tx().nonce() + " used by another transaction"), Optional.empty()));
                LOG.warn("{}: nonce {} of {} was used by another transaction; its command is reconciled and sent again", lane,
                        inFlight.nonce(), command.commandId());
                return Optional.of(process(command));
            }
            LOG.warn("{}: the node lost {} of {} (nonce {}); broadcast its persisted bytes again to fill the gap", lane,
                    inFlight.newest.tx(), command.commandId(), inFlight.nonce());
        }
        if (System.nanoTime() - inFlight.timesOutAt < 0) {
            return Optional.empty();
        }
        if (inFlight.rounds >= settings.maxAttempts()) {
            return Optional.of(finish(command, Decision.done(giveUp(command, unresolved, inFlight.rounds))));
        }
        inFlight.newest = replace(command, inFlight.newest);
        inFlight.rounds++;
        inFlight.timesOutAt = System.nanoTime() + settings.receiptTimeout().toNanos();
        return Optional.empty();
    }

    /**
     * A mined transaction of the lane that a reorganisation removed for good (no receipt, not in the node's pool): its
     * attempt may mine again (back to broadcast), so that the command, started again, broadcasts its persisted bytes at
     * the same nonce, or reconciles with the contract when that nonce went to another transaction. Returns the
     * {@code reorged_out} result to publish before the command is started again.
     */
    L1TransactionResult reorgedOut(final L1TransactionResult mined) {
        final Optional<Attempt> attempt = attempts.of(mined.commandId()).stream()
                .filter(a -> a.txHash().filter(mined.txHash()::equals).isPresent()).findFirst();
        attempt.ifPresent(a -> attempts.update(a, AttemptState.BROADCAST,
                Optional.of("reorged out of block " + mined.blockNumber()), Optional.empty()));
        LOG.warn("{}: reorg: {} of {}, mined in block {}, was reorged out and is not in the node's pool; reported {} and"
                + " sent again", lane, mined.txHash(), mined.commandId(), mined.blockNumber(), Outcome.REORGED_OUT.wireName());
        return result(new CommandRef(mined.commandId(), mined.chainId(), mined.batchNumber(), mined.kind()), Outcome.REORGED_OUT,
                Optional.of(mined.txHash()), Optional.ofNullable(mined.blockNumber()), Optional.empty(), "reorged out of block "
                        + mined.blockNumber() + " and not in the node's pool; the command is sent again");
    }

    /**
     * Looks at the lane's nonces that the node has not mined below {@code upTo} (the lane's lowest transaction in flight,
     * else its next nonce): each should be held by a transaction of the lane in the node's pool, or the lane's later
     * transactions wait on the gap forever. A nonce whose persisted attempt was recorded mined (or reverted) in a block,
     * but that has no receipt now and is not in the node's pool, was reorganised out for good: it is returned, with the
     * {@code reorged_out} result of its command when it had been reported mined, to be published before it is sent
     * again ({@link #sendAgain}). A nonce that no persisted attempt of the lane can fill is logged as an error (once
     * per gap), and the lane follows the node: the nonce keeper hands it out first. Never sends a transaction.
     */
    List<ReorgedOut> fillNonceGaps(final Optional<Long> lowestInFlight) {
        final long mined = node.minedTransactionCount(lane.address());
        long upTo = lowestInFlight.orElse(nonces.peek());
        if (lowestInFlight.isEmpty() && mined >= upTo && lastMinedCount.filter(last -> last <= mined).isEmpty()) {
            // at the first look after the lane's take, or when the node's count went back: the lane's own landed
            // transactions count too (its nonces start at the node's count, which a reorg while it was down, say, took
            // back below them)
            upTo = Math.max(upTo, attempts.highestLandedNonce(lane.address()).map(nonce -> nonce + 1).orElse(0L));
        }
        lastMinedCount = Optional.of(mined);
        if (mined >= upTo) {
            reportedGap = Optional.empty();
            return List.of();
        }
        final Map<Long, List<Attempt>> byNonce = attempts.atNonces(lane.address(), mined, upTo).stream()
                .collect(Collectors.groupingBy(attempt -> attempt.tx().nonce(), LinkedHashMap::new, Collectors.toList()));
        final List<ReorgedOut> reorged = new ArrayList<>();
        final List<Long> unfillable = new ArrayList<>();
        for (long nonce = mined; nonce < upTo; nonce++) {
            final List<Attempt> at = byNonce.getOrDefault(nonce, List.of());
            if (at.stream().anyMatch(attempt -> attempt.state().isUnresolved())) {
                continue; // in flight or of unknown outcome: followed (and broadcast again when lost) elsewhere
            }
            final Optional<Attempt> landed = at.stream().filter(attempt -> attempt.blockNumber().isPresent()
                    && (attempt.state() == AttemptState.MINED || attempt.state() == AttemptState.REVERTED)).findFirst();
            if (landed.isEmpty()) {
                unfillable.add(nonce);
                continue;
            }
            final Attempt gone = landed.get();
            if (node.receipt(gone.tx().hash()).isPresent() || node.knows(gone.tx().hash())) {
                continue; // mined since the count was read, or back in the pool: it mines again by itself
            }
            final long block = gone.blockNumber().get();
            LOG.warn("{}: reorg: the node's mined nonce count is {}, below the lane's {}; nonce {} held {} of {}, {} in block"
                    + " {}, which is no longer on chain nor in the node's pool", lane, mined, upTo, nonce, gone.tx().hash(),
                    gone.commandId(), gone.state().column(), block);
            reorged.add(new ReorgedOut(gone, gone.state() == AttemptState.MINED
                    ? Optional.of(result(CommandRef.of(gone), Outcome.REORGED_OUT, Optional.of(gone.tx().hash()),
                            Optional.of(block), Optional.empty(), "reorged out of block " + block + " and not in the node's"
                                    + " pool; its persisted transaction is broadcast again at nonce " + nonce))
                    : Optional.empty()));
        }
        if (!unfillable.isEmpty() && !reportedGap.equals(Optional.of(unfillable))) {
            LOG.error("{}: nonce gap: the node has mined {} nonce(s) of {}, and nonce(s) {} below the lane's {} hold no"
                    + " transaction of this lane that could be broadcast again (none persisted, or only replaced ones; a"
                    + " transaction of this account not sent by this lane was reorganised out or dropped): the lane follows"
                    + " the node, its next transaction (or its lowest one in flight, re-signed when it times out) takes them",
                    lane, mined, lane.address(), unfillable, upTo);
            reportedGap = Optional.of(List.copyOf(unfillable));
        }
        nonces.followNodeBack(unfillable);
        return reorged;
    }

    /**
     * A mined (or reverted) transaction of the lane that a reorg removed for good, found by {@link #fillNonceGaps}: the
     * {@code reorged_out} result to publish first (when it had been reported mined), then {@link #sendAgain}.
     */
    record ReorgedOut(Attempt attempt, Optional<L1TransactionResult> result) {
    }

    /**
     * Sends a reorged-out transaction again, once its {@code reorged_out} result is published: its attempt goes back to
     * unknown (resolved by {@link #reconcileUnknown}, which publishes its new outcome) and its persisted bytes are
     * broadcast again at the same nonce, filling the gap.
     */
    void sendAgain(final ReorgedOut reorged) {
        final Attempt gone = reorged.attempt();
        nonces.passed(gone.tx().nonce());
        attempts.update(gone, AttemptState.UNKNOWN, Optional.of("reorged out of block " + gone.blockNumber().orElseThrow()
                + "; broadcast again"), Optional.empty());
        final L1Node.Broadcast broadcast = node.broadcast(gone.tx());
        resentAfterReorg.add(gone.tx().hash());
        LOG.warn("{}: reorg: {}{} of {} broadcast again from its persisted bytes at nonce {} ({})", lane,
                reorged.result().isPresent() ? "reported " + Outcome.REORGED_OUT.wireName() + ", " : "", gone.tx(),
                gone.commandId(), gone.tx().nonce(), broadcast);
    }

    /** Whether a transaction broadcast again after a reorg awaits its receipt (reconciliation then looks sooner). */
    boolean awaitingResentAfterReorg() {
        return !resentAfterReorg.isEmpty();
    }

    /** The hashes of every unresolved attempt of the commands in flight, whose receipts {@link #check} looks for. */
    List<String> hashesInFlight(final List<InFlight> inFlight) {
        return inFlight.stream().flatMap(f -> unresolved(f.command).stream()).map(attempt -> attempt.tx().hash()).toList();
    }

    private Decision finish(final L1Command command, final Decision decision) {
        return retriedUntilDeadline(command, decision.map(this::withRequestStatus));
    }

    private InFlight inFlight(final L1Command command, final Attempt newest) {
        final int rounds = (int) attempts.of(command.commandId()).stream().filter(a -> a.transaction().isPresent()).count();
        return new InFlight(command, newest, rounds, settings.receiptTimeout());
    }

    private Started reconcileOrSend(final L1Command command) {
        final List<Attempt> unresolved = unresolved(command);
        if (!unresolved.isEmpty()) {
            // a receipt found here is recorded; what to publish then follows from the contract's state below
            final boolean recorded = resolveFromReceipts(command, unresolved).isPresent();
            if (!recorded) {
                final Optional<Attempt> inFlight = resume(unresolved);
                if (inFlight.isPresent()) {
                    LOG.info("resuming {} of {}: awaiting its receipt", inFlight.get().tx(), command.commandId());
                    return Started.sending(inFlight(command, inFlight.get()));
                }
            }
        }
        if (calls.alreadyOnChain(command)) {
            // with our mined attempt's block, so that the request's status is read there (see withRequestStatus)
            final Optional<Attempt> mined = minedAttempt(command);
            return Started.decided(Decision.done(alreadyOnChain(CommandRef.of(command), mined.flatMap(Attempt::txHash),
                    mined.flatMap(Attempt::blockNumber), "the contract already holds the effect")));
        }
        // one read of the latest block serves the deadline check and the fee quote
        final L1Node.Head head = node.head();
        final Optional<L1TransactionResult> expired = expiry(command, head);
        if (expired.isPresent()) {
            return Started.decided(Decision.done(expired.get()));
        }
        return send(command, head.fees(settings.priorityFee()));
    }

    /**
     * Makes the lane's persisted transactions that may still mine known to the node again, lowest nonce first (the newest
     * attempt of each nonce, from its persisted bytes): a lane taken over from an instance that persisted but never
     * broadcast, or whose node lost its pool, leaves no nonce gap for the new holder's transactions to wait on.
     */
    void resumeLane() {
        final Map<Long, Attempt> newestPerNonce = new LinkedHashMap<>();
        attempts.unresolvedOf(lane.address()).forEach(attempt -> newestPerNonce.put(attempt.tx().nonce(), attempt));
        for (final Attempt attempt : newestPerNonce.values()) {
            if (node.receipt(attempt.tx().hash()).isPresent() || node.knows(attempt.tx().hash())) {
                continue;
            }
            final L1Node.Broadcast broadcast = node.broadcast(attempt.tx());
            LOG.info("{}: {} of {} (nonce {}) was unknown to the node; broadcast its persisted bytes again: {}", lane,
                    attempt.tx(), attempt.commandId(), attempt.tx().nonce(), broadcast);
        }
    }

    /** The nonce the lane's next new transaction takes. */
    long nextNonce() {
        return nonces.peek();
    }

    // ---- the pick-up deadline -------------------------------------------------------------------------------------

    /**
     * The {@code expired} result of a proof request that is recorded as expired, or that expires now: its deadline is
     * before the head's timestamp and none of its transactions may still mine. Empty when it may be sent.
     */
    private Optional<L1TransactionResult> expiry(final L1Command command, final L1Node.Head head) {
        if (!(command instanceof SubmitProofRequest request) || request.pickUpDeadline().isEmpty()) {
            return Optional.empty();
        }
        final List<Attempt> all = attempts.of(command.commandId());
        final Optional<Attempt> recorded = all.stream().filter(attempt -> attempt.state() == AttemptState.EXPIRED).findFirst();
        if (recorded.isPresent()) {
            final String why = recorded.get().revertReason().orElse("expired");
            LOG.info("{} was recorded as expired: {}", command.commandId(), why);
            return Optional.of(result(CommandRef.of(command), Outcome.EXPIRED, Optional.empty(), Optional.empty(), Optional.empty(), why));
        }
        final boolean mayMine = all.stream().anyMatch(attempt -> attempt.transaction().isPresent()
                && attempt.state() != AttemptState.REPLACED && attempt.state() != AttemptState.REVERTED);
        final Instant deadline = request.pickUpDeadline().get();
        if (mayMine || !head.timestamp().isAfter(deadline)) {
            return Optional.empty();
        }
        final String why = "not sent: chain time " + head.timestamp() + " (block " + head.number() + ") is past its deadline "
                + deadline + lastRefusal(all).map(reason -> "; the contract last refused it with " + reason).orElse("");
        attempts.insert(newAttempt(command, Fees.ZERO, Optional.empty(), AttemptState.EXPIRED, Optional.of(why)), lease);
        metrics.released(lane);
        heldAnnounced.remove(command.commandId());
        LOG.warn("{} expired: {}", command.commandId(), why);
        return Optional.of(result(CommandRef.of(command), Outcome.EXPIRED, Optional.empty(), Optional.empty(), Optional.empty(), why));
    }

    private static Optional<String> lastRefusal(final List<Attempt> all) {
        return all.reversed().stream().filter(attempt -> attempt.state() == AttemptState.REVERTED)
                .map(Attempt::revertReason).flatMap(Optional::stream).findFirst();
    }

    /**
     * A proof request with a pick-up deadline is never given up while it is not on chain: when the contract refused it
     * (at estimation or on chain) or its transaction's outcome is unknown, the result is published the first time and the
     * command comes again after the held-retry backoff (its offset is not committed), until it is on chain or expires.
     * Committing it would leave a request that is neither sent nor expired, and its batch would never fall back. Other
     * decisions are left as they are.
     */
    private Decision retriedUntilDeadline(final L1Command command, final Decision decision) {
        // a request that ran out of gas is not tried again: with the same gas limit it would only burn gas again
        final boolean retry = command instanceof SubmitProofRequest request && request.pickUpDeadline().isPresent()
                && decision.publish().filter(result -> result.outcome() == Outcome.REVERTED || result.outcome() == Outcome.UNKNOWN)
                        .filter(result -> result.revertReason() == null || !result.revertReason().startsWith(OUT_OF_GAS))
                        .isPresent();
        if (!retry) {
            refusalAnnounced.remove(command.commandId());
            return decision;
        }
        final L1TransactionResult open = decision.publish().get();
        final String what = open.outcome().wireName() + Optional.ofNullable(open.revertReason()).map(reason -> " " + reason).orElse("");
        final boolean announced = what.equals(refusalAnnounced.put(command.commandId(), what));
        if (!announced) {
            LOG.warn("{} not on chain ({}); trying again every {} ms until its deadline", command.commandId(), what,
                    settings.heldRetryBackoff().toMillis());
        }
        return new Decision(announced ? Optional.empty() : decision.publish(), false);
    }

    // ---- reconciliation -------------------------------------------------------------------------------------------

    /**
     * Resolves the attempts given up as unknown whose transaction has mined since: records each receipt and returns the
     * outcomes to publish. A transaction the node lost is broadcast again from its persisted bytes (same nonce).
     */
    List<L1TransactionResult> reconcileUnknown() {
        final Map<String, List<Attempt>> byCommand = attempts.inState(AttemptState.UNKNOWN).stream()
                .filter(attempt -> attempt.fromAddress().equals(lane.address()))
                .collect(Collectors.groupingBy(Attempt::commandId, LinkedHashMap::new, Collectors.toList()));
        resentAfterReorg.retainAll(byCommand.values().stream().flatMap(List::stream).map(a -> a.tx().hash()).toList());
        final List<L1TransactionResult> resolved = new ArrayList<>();
        byCommand.values().forEach(unknown -> resolveUnknown(unknown).map(this::withRequestStatusIfReadable)
                .ifPresent(result -> {
                    unknown.forEach(attempt -> resentAfterReorg.remove(attempt.tx().hash()));
                    resolved.add(result);
                }));
        return resolved;
    }

    /** The result with the request's on-chain status when it is a request that is on chain; others unchanged. */
    private L1TransactionResult withRequestStatus(final L1TransactionResult result) {
        final boolean onChain = result.outcome() == Outcome.MINED || result.outcome() == Outcome.ALREADY_ON_CHAIN;
        if (result.kind() != Kind.SUBMIT_PROOF_REQUEST || !onChain) {
            return result;
        }
        // at the block it was mined in when known: a network may have refused the request since, which is no refusal at submission
        final L1TransactionResult.OnChainRequestStatus status = result.blockNumber() != null
                ? calls.requestStatusAt(result.batchId(), result.blockNumber())
                : calls.requestStatus(result.batchId());
        LOG.info("{} is on chain with status {}", result.commandId(), status.wireName());
        return result.withRequestStatus(status);
    }

    /**
     * As {@link #withRequestStatus}, but a reconciled result whose attempt is already recorded is published without the
     * status when the read fails (no redelivery would bring it back); the topology then waits for the deadline.
     */
    private L1TransactionResult withRequestStatusIfReadable(final L1TransactionResult result) {
        try {
            return withRequestStatus(result);
        } catch (final L1Node.L1NodeException e) {
            LOG.warn("{} reconciled, but its on-chain status cannot be read; published without it: {}", result.commandId(),
                    e.getMessage());
            return result;
        }
    }

    private Optional<L1TransactionResult> resolveUnknown(final List<Attempt> unknown) {
        final CommandRef command = CommandRef.of(unknown.getFirst());
        for (final Attempt attempt : unknown.reversed()) {
            final Optional<TransactionReceipt> receipt = node.receipt(attempt.tx().hash());
            if (receipt.isPresent()) {
                LOG.info("reconciliation: {} of {}, {}, was mined in block {}", attempt.tx(), command.commandId(),
                        resentAfterReorg.contains(attempt.tx().hash()) ? "broadcast again after a reorg" : "given up as unknown",
                        receipt.get().getBlockNumber());
                return Optional.of(record(command, attempt, receipt.get(), unknown));
            }
        }
        final Attempt latest = unknown.getLast();
        if (!node.knows(latest.tx().hash())) {
            if (node.broadcast(latest.tx()) == L1Node.Broadcast.NONCE_USED) {
                unknown.forEach(attempt -> attempts.update(attempt, AttemptState.REPLACED,
                        Optional.of("nonce " + attempt.tx().nonce() + " used by another transaction"), Optional.empty()));
                LOG.warn("reconciliation: nonce {} of {} was used by another transaction; its attempts are replaced and a"
                        + " redelivered command will be checked against the contract", latest.tx().nonce(), command.commandId());
            } else {
                LOG.warn("reconciliation: the node had lost {} of {}; broadcast its persisted bytes again", latest.tx(),
                        command.commandId());
            }
        }
        return Optional.empty();
    }

    private List<Attempt> unresolved(final L1Command command) {
        return attempts.of(command.commandId()).stream().filter(attempt -> attempt.state().isUnresolved()).toList();
    }

    /** Records the receipt of any unresolved attempt of the command (newest first); empty when none has one. */
    private Optional<L1TransactionResult> resolveFromReceipts(final L1Command command, final List<Attempt> unresolved) {
        for (final Attempt attempt : unresolved.reversed()) {
            final Optional<TransactionReceipt> receipt = node.receipt(attempt.tx().hash());
            if (receipt.isPresent()) {
                LOG.info("reconciliation: {} of {} was mined in block {}", attempt.tx(), command.commandId(),
                        receipt.get().getBlockNumber());
                return Optional.of(record(CommandRef.of(command), attempt, receipt.get(), unresolved));
            }
        }
        return Optional.empty();
    }

    /** The newest unresolved attempt, broadcast again from its persisted bytes when the node does not know it. */
    private Optional<Attempt> resume(final List<Attempt> unresolved) {
        final Attempt latest = unresolved.getLast();
        if (node.knows(latest.tx().hash())) {
            return Optional.of(markBroadcast(latest));
        }
        LOG.warn("reconciliation: the node does not know {} of {} ({}); broadcasting its persisted bytes again",
                latest.tx(), latest.commandId(), latest.state().column());
        return switch (node.broadcast(latest.tx())) {
            case ACCEPTED, ALREADY_KNOWN, NONCE_OCCUPIED -> Optional.of(markBroadcast(latest));
            case NONCE_USED -> {
                unresolved.forEach(attempt -> attempts.update(attempt, AttemptState.REPLACED,
                        Optional.of("nonce " + attempt.tx().nonce() + " used by another transaction"), Optional.empty()));
                LOG.warn("reconciliation: nonce {} of {} was used by another transaction; its attempts are replaced",
                        latest.tx().nonce(), latest.commandId());
                yield Optional.empty();
            }
        };
    }

    private Optional<Attempt> minedAttempt(final L1Command command) {
        return attempts.of(command.commandId()).stream().filter(attempt -> attempt.state() == AttemptState.MINED)
                .filter(attempt -> attempt.txHash().isPresent()).findFirst();
    }

    // ---- sending --------------------------------------------------------------------------------------------------

    private Started send(final L1Command command, final Fees fees) {
        if (fees.exceeds(settings.maxFeePerGasCap())) {
            return Started.decided(hold(command, fees));
        }
        release(command);
        final String data = ProofManagerCalls.callData(command);
        final Optional<L1Node.Revert> refused = node.estimate(lane.address(), settings.contractAddress(), data);
        if (refused.isPresent()) {
            return Started.decided(Decision.done(refusedAtEstimation(command, fees, ProofManagerCalls.reason(refused.get()))));
        }
        for (int tries = 1; tries <= settings.maxAttempts(); tries++) {
            final Optional<Attempt> sent = signPersistBroadcast(command, nonces.next(), fees, data);
            if (sent.isPresent()) {
                return Started.sending(inFlight(command, sent.get()));
            }
            nonces.resync();
        }
        throw new L1Node.L1NodeException("the node refused " + settings.maxAttempts() + " nonces of " + lane.address()
                + " as used while sending " + command.commandId(), null);
    }

    /** Signs with {@code nonce}, persists the attempt, broadcasts it; empty when the node says the nonce is used. */
    private Optional<Attempt> signPersistBroadcast(final L1Command command, final long nonce, final Fees fees,
            final String data) {
        final SignedTransaction tx;
        final Attempt attempt;
        try {
            tx = L1Node.sign(lane.signer(), l1ChainId, nonce, settings.gasLimit(), settings.contractAddress(), data, fees);
            attempt = newAttempt(command, fees, Optional.of(tx), AttemptState.PREPARED, Optional.empty());
            attempts.insert(attempt, lease);
        } catch (final RuntimeException e) {
            // never persisted, never broadcast: the nonce is free again (skipping it would leave every later one unmined)
            nonces.giveBack(nonce);
            throw e;
        }
        crash(CrashPoint.AFTER_PERSIST);
        final L1Node.Broadcast broadcast = node.broadcast(tx);
        crash(CrashPoint.AFTER_BROADCAST);
        if (broadcast == L1Node.Broadcast.NONCE_USED || broadcast == L1Node.Broadcast.NONCE_OCCUPIED) {
            final String why = broadcast == L1Node.Broadcast.NONCE_USED ? "used by another transaction"
                    : "held in the node's pool by another transaction (replacement underpriced)";
            attempts.update(attempt, AttemptState.REPLACED, Optional.of("nonce " + nonce + " " + why), Optional.empty());
            LOG.warn("the node refused {} of {}: nonce {} is {}; taking the next one", tx, command.commandId(), nonce, why);
            return Optional.empty();
        }
        LOG.info("broadcast {} for {} ({})", tx, command.commandId(), fees);
        return Optional.of(markBroadcast(attempt));
    }

    private Decision hold(final L1Command command, final Fees fees) {
        metrics.held(lane, command.commandId(), fees, settings.maxFeePerGasCap());
        final List<Attempt> all = attempts.of(command.commandId());
        final String detail = "maxFeePerGas " + fees.maxFeePerGas() + " wei is above the cap of " + settings.maxFeePerGasCap()
                + " wei; retrying every " + settings.heldRetryBackoff().toMillis() + " ms";
        if (!all.isEmpty() && all.getLast().state() == AttemptState.HELD_FEE_CAP) {
            attempts.stillHeld(all.getLast(), fees);
        } else {
            attempts.insert(newAttempt(command, fees, Optional.empty(), AttemptState.HELD_FEE_CAP, Optional.empty()), lease);
        }
        if (!heldAnnounced.add(command.commandId())) {
            LOG.debug("{} still held: {}", command.commandId(), detail);
            return new Decision(Optional.empty(), false);
        }
        LOG.warn("holding {}: {}", command.commandId(), detail);
        return new Decision(Optional.of(result(CommandRef.of(command), Outcome.HELD_FEE_CAP, Optional.empty(), Optional.empty(),
                Optional.empty(), detail)), false);
    }

    private void release(final L1Command command) {
        if (heldAnnounced.remove(command.commandId())) {
            LOG.info("{} is no longer held by the fee cap", command.commandId());
        }
        metrics.released(lane);
    }

    private L1TransactionResult refusedAtEstimation(final L1Command command, final Fees fees, final String reason) {
        final List<Attempt> all = attempts.of(command.commandId());
        final boolean sameAsLast = !all.isEmpty() && all.getLast().state() == AttemptState.REVERTED
                && all.getLast().transaction().isEmpty() && all.getLast().revertReason().equals(Optional.of(reason));
        if (sameAsLast) {
            LOG.debug("{} still refused at estimation with {}", command.commandId(), reason);
        } else {
            attempts.insert(newAttempt(command, fees, Optional.empty(), AttemptState.REVERTED, Optional.of(reason)), lease);
        }
        if (ProofManagerCalls.isDuplicatedRequest(reason)) {
            LOG.warn("{} not sent: the contract refuses it with {}; the request is on chain", command.commandId(), reason);
            return alreadyOnChain(CommandRef.of(command), Optional.empty(), "estimation reverted with " + reason);
        }
        if (!sameAsLast) {
            LOG.error("{} not sent: the contract refuses it at estimation with {}", command.commandId(), reason);
        }
        return result(CommandRef.of(command), Outcome.REVERTED, Optional.empty(), Optional.empty(), Optional.of(reason),
                "reverted at estimation; nothing was sent");
    }

    // ---- awaiting and replacing -----------------------------------------------------------------------------------

    /** Awaits a receipt for any transaction of the command; replaces the newest with higher fees after each timeout. */
    private L1TransactionResult await(final L1Command command, final Attempt inFlight) {
        Attempt newest = inFlight;
        int rounds = (int) attempts.of(command.commandId()).stream().filter(a -> a.transaction().isPresent()).count();
        while (true) {
            final List<Attempt> unresolved = unresolved(command);
            final Optional<ReceiptWaiter.Found> found = receipts.awaitAny(unresolved, settings.receiptTimeout());
            if (found.isPresent()) {
                crash(CrashPoint.AFTER_RECEIPT);
                return record(CommandRef.of(command), found.get().attempt(), found.get().receipt(), unresolved);
            }
            if (rounds >= settings.maxAttempts()) {
                return giveUp(command, unresolved, rounds);
            }
            newest = replace(command, newest);
            rounds++;
        }
    }

    /** A replacement of {@code stuck} with the same nonce and fees raised; {@code stuck} itself when the cap forbids it. */
    private Attempt replace(final L1Command command, final Attempt stuck) {
        final Fees bumped = stuck.fees().bumped(settings.feeBumpPercent(), node.quoteFees(settings.priorityFee()));
        LOG.warn("no receipt for {} of {} within {} ms", stuck.tx(), command.commandId(), settings.receiptTimeout().toMillis());
        if (bumped.exceeds(settings.maxFeePerGasCap())) {
            LOG.warn("not replacing {}: {} would be above the cap of {} wei; waiting on", stuck.tx(), bumped,
                    settings.maxFeePerGasCap());
            return stuck;
        }
        // a nonce gap below it (the node went back below the lane's nonces) is filled by it, or the lane would wait on it
        final Optional<Long> gap = nonces.takeGapBelow(stuck.tx().nonce());
        final long nonce = gap.orElse(stuck.tx().nonce());
        final SignedTransaction tx = L1Node.sign(lane.signer(), l1ChainId, nonce, settings.gasLimit(),
                settings.contractAddress(), ProofManagerCalls.callData(command), bumped);
        final Attempt replacement = newAttempt(command, bumped, Optional.of(tx), AttemptState.PREPARED, Optional.empty());
        try {
            attempts.insert(replacement, lease);
        } catch (final RuntimeException e) {
            gap.ifPresent(free -> nonces.followNodeBack(List.of(free)));
            throw e;
        }
        final L1Node.Broadcast broadcast = node.broadcast(tx);
        if (gap.isPresent() && broadcast != L1Node.Broadcast.NONCE_USED && broadcast != L1Node.Broadcast.NONCE_OCCUPIED) {
            LOG.warn("{}: re-signed {} of {} at the nonce gap {} below its nonce {} ({}); should its transaction at {} mine"
                    + " too, the contract refuses it as a duplicate", lane, stuck.tx(), command.commandId(), nonce,
                    stuck.tx().nonce(), tx, stuck.tx().nonce());
            return markBroadcast(replacement);
        }
        if (broadcast == L1Node.Broadcast.NONCE_USED) {
            attempts.update(replacement, AttemptState.REPLACED, Optional.of("nonce " + tx.nonce() + " already mined"),
                    Optional.empty());
            return stuck;
        }
        if (broadcast == L1Node.Broadcast.NONCE_OCCUPIED) {
            attempts.update(replacement, AttemptState.REPLACED, Optional.of("replacement underpriced: the node keeps the"
                    + " transaction it holds at nonce " + tx.nonce()), Optional.empty());
            LOG.warn("the node refused {} as an underpriced replacement of {}; waiting on, bumping again next round", tx,
                    stuck.tx());
            return stuck;
        }
        LOG.info("replaced {} with {} ({})", stuck.tx(), tx, bumped);
        return markBroadcast(replacement);
    }

    private L1TransactionResult giveUp(final L1Command command, final List<Attempt> unresolved, final int rounds) {
        unresolved.forEach(attempt -> attempts.update(attempt, AttemptState.UNKNOWN, Optional.empty(), Optional.empty()));
        final String hashes = unresolved.stream().map(a -> a.tx().hash()).toList().toString();
        final String detail = "no receipt after " + rounds + " attempt(s) of " + settings.receiptTimeout().toMillis()
                + " ms each for " + hashes + "; resolved by reconciliation, never by a second request";
        LOG.error("outcome of {} unknown: {}", command.commandId(), detail);
        return result(CommandRef.of(command), Outcome.UNKNOWN, Optional.of(unresolved.getLast().tx().hash()), Optional.empty(),
                Optional.empty(), detail);
    }

    /** Records a receipt: the attempt mined or reverted, its unresolved siblings replaced; returns the outcome. */
    private L1TransactionResult record(final CommandRef command, final Attempt attempt, final TransactionReceipt receipt,
            final List<Attempt> unresolved) {
        final long block = receipt.getBlockNumber().longValueExact();
        final String hash = attempt.tx().hash();
        unresolved.stream().filter(other -> other.number() != attempt.number()).forEach(other -> attempts.update(other,
                AttemptState.REPLACED, Optional.of("nonce taken by " + hash), Optional.empty()));
        if (receipt.isStatusOK()) {
            attempts.update(attempt, AttemptState.MINED, Optional.empty(), Optional.of(block));
            LOG.info("{} of {} mined in block {}", attempt.tx(), command.commandId(), block);
            return result(command, Outcome.MINED, Optional.of(hash), Optional.of(block), Optional.empty(), "mined with status 1");
        }
        final String reason = outOfGas(receipt).orElseGet(() -> ProofManagerCalls.reason(node, receipt));
        attempts.update(attempt, AttemptState.REVERTED, Optional.of(reason), Optional.of(block));
        if (ProofManagerCalls.isDuplicatedRequest(reason)) {
            LOG.warn("{} of {} reverted with {}: the request is on chain", attempt.tx(), command.commandId(), reason);
            return alreadyOnChain(command, Optional.empty(), hash + " reverted with " + reason);
        }
        LOG.error("{} of {} reverted in block {} with {}", attempt.tx(), command.commandId(), block, reason);
        return result(command, Outcome.REVERTED, Optional.of(hash), Optional.of(block), Optional.of(reason),
                "mined with status 0");
    }

    /**
     * The reason of a transaction that reverted having used all of its gas: the gas limit ({@code epm.l1.gas-limit}) is
     * too low for the call, and sending it again with the same limit would only burn gas again.
     */
    private Optional<String> outOfGas(final TransactionReceipt receipt) {
        final java.math.BigInteger limit = settings.gasLimit();
        return Optional.ofNullable(receipt.getGasUsed()).filter(used -> used.compareTo(limit) >= 0)
                .map(used -> OUT_OF_GAS + ": used all " + used + " gas of the limit epm.l1.gas-limit = " + limit);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Attempt markBroadcast(final Attempt attempt) {
        if (attempt.state() == AttemptState.BROADCAST) {
            return attempt;
        }
        attempts.update(attempt, AttemptState.BROADCAST, Optional.empty(), Optional.empty());
        return attempt.withState(AttemptState.BROADCAST);
    }

    private Attempt newAttempt(final L1Command command, final Fees fees, final Optional<SignedTransaction> tx,
            final AttemptState state, final Optional<String> revertReason) {
        final int number = attempts.of(command.commandId()).stream().mapToInt(Attempt::number).max().orElse(0) + 1;
        return new Attempt(command.commandId(), number, ProofManagerCalls.kindOf(command), command.chainId(),
                command.batchNumber(), lane.address(), fees, tx, state, revertReason, Optional.empty());
    }

    private L1TransactionResult alreadyOnChain(final CommandRef command, final Optional<String> ourHash, final String why) {
        return alreadyOnChain(command, ourHash, Optional.empty(), why);
    }

    private L1TransactionResult alreadyOnChain(final CommandRef command, final Optional<String> ourHash, final Optional<Long> ourBlock,
            final String why) {
        LOG.info("{} already on chain ({}){}", command.commandId(), why, ourHash.map(h -> ", mined by our " + h).orElse(""));
        return result(command, Outcome.ALREADY_ON_CHAIN, ourHash, ourBlock, Optional.empty(), why + "; nothing sent");
    }

    private static L1TransactionResult result(final CommandRef command, final Outcome outcome, final Optional<String> txHash,
            final Optional<Long> block, final Optional<String> revertReason, final String detail) {
        return new L1TransactionResult(command.commandId(), command.chainId(), command.batchNumber(), command.kind(),
                outcome, txHash.orElse(null), block.orElse(null), revertReason.orElse(null), detail, Instant.now());
    }

    private void crash(final CrashPoint point) {
        if (crashPoint.get().filter(point::equals).isPresent()) {
            throw new CrashPoint.SimulatedCrash(point);
        }
    }
}
