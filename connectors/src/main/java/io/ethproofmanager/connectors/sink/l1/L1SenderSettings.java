package io.ethproofmanager.connectors.sink.l1;

import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;
import org.web3j.crypto.Credentials;

/**
 * How the L1 sender signs and sends: the node and contract, the signer (its private key is never printed), the L1 chain
 * id ({@code 0}: read it from the node), EIP-1559 fee policy and cap, receipt waiting and replacement, and its topics.
 */
public record L1SenderSettings(
        String rpcUrl,
        String contractAddress,
        Credentials signer,
        long l1ChainId,
        BigInteger maxFeePerGasCap,
        BigInteger priorityFee,
        BigInteger gasLimit,
        Duration receiptTimeout,
        Duration receiptPollInterval,
        int feeBumpPercent,
        int maxAttempts,
        Duration heldRetryBackoff,
        String bootstrapServers,
        String groupId,
        String commandsTopic,
        String resultsTopic) {

    /** The production manager's default priority fee: 1,000,000 wei. */
    public static final BigInteger DEFAULT_PRIORITY_FEE = BigInteger.valueOf(1_000_000);
    /** The production manager's max gas per transaction. */
    public static final BigInteger DEFAULT_GAS_LIMIT = BigInteger.valueOf(1_000_000);
    public static final Duration DEFAULT_RECEIPT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RECEIPT_POLL_INTERVAL = Duration.ofMillis(200);
    /** Replacement transactions must pay at least 10 % more to be accepted by the nodes' mempools. */
    public static final int MIN_FEE_BUMP_PERCENT = 10;
    public static final int DEFAULT_FEE_BUMP_PERCENT = 20;
    /** The production manager's max transaction sending attempts. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_HELD_RETRY_BACKOFF = Duration.ofSeconds(10);
    /** Longest wait on one command: the consumer must poll again within its {@code max.poll.interval.ms}. */
    static final Duration LONGEST_WAIT_PER_COMMAND = Duration.ofMinutes(30);

    public L1SenderSettings {
        requireText(rpcUrl, "rpcUrl");
        requireText(contractAddress, "contractAddress");
        Objects.requireNonNull(signer, "signer");
        require(l1ChainId >= 0, "l1ChainId must not be negative (0 reads it from the node), was " + l1ChainId);
        requirePositive(maxFeePerGasCap, "maxFeePerGasCap");
        Objects.requireNonNull(priorityFee, "priorityFee");
        require(priorityFee.signum() >= 0, "priorityFee must not be negative, was " + priorityFee);
        requirePositive(gasLimit, "gasLimit");
        requirePositive(receiptTimeout, "receiptTimeout");
        requirePositive(receiptPollInterval, "receiptPollInterval");
        require(receiptPollInterval.compareTo(receiptTimeout) <= 0,
                "receiptPollInterval " + receiptPollInterval + " must not be longer than receiptTimeout " + receiptTimeout);
        require(feeBumpPercent >= MIN_FEE_BUMP_PERCENT,
                "feeBumpPercent must be at least " + MIN_FEE_BUMP_PERCENT + ", was " + feeBumpPercent);
        require(maxAttempts >= 1, "maxAttempts must be at least 1, was " + maxAttempts);
        require(receiptTimeout.multipliedBy(maxAttempts).compareTo(LONGEST_WAIT_PER_COMMAND) <= 0,
                "receiptTimeout x maxAttempts must be at most " + LONGEST_WAIT_PER_COMMAND + ", was "
                        + receiptTimeout.multipliedBy(maxAttempts));
        requirePositive(heldRetryBackoff, "heldRetryBackoff");
        requireText(bootstrapServers, "bootstrapServers");
        requireText(groupId, "groupId");
        requireText(commandsTopic, "commandsTopic");
        requireText(resultsTopic, "resultsTopic");
    }

    /**
     * The defaults: chain id read from the node, priority fee 1,000,000 wei, gas limit 1,000,000, receipts awaited 60 s
     * (polled every 200 ms), fees bumped 20 % per replacement, 10 attempts, held commands retried every 10 s, topics
     * {@link Topics#L1_COMMANDS} and {@link Topics#L1_TX_RESULTS}.
     */
    public static L1SenderSettings defaults(final String rpcUrl, final String contractAddress, final Credentials signer,
            final BigInteger maxFeePerGasCap, final String bootstrapServers, final String groupId) {
        return new L1SenderSettings(rpcUrl, contractAddress, signer, 0, maxFeePerGasCap, DEFAULT_PRIORITY_FEE,
                DEFAULT_GAS_LIMIT, DEFAULT_RECEIPT_TIMEOUT, DEFAULT_RECEIPT_POLL_INTERVAL, DEFAULT_FEE_BUMP_PERCENT,
                DEFAULT_MAX_ATTEMPTS, DEFAULT_HELD_RETRY_BACKOFF, bootstrapServers, groupId, Topics.L1_COMMANDS.name(),
                Topics.L1_TX_RESULTS.name());
    }

    public L1SenderSettings withTopics(final String commands, final String results) {
        return new L1SenderSettings(rpcUrl, contractAddress, signer, l1ChainId, maxFeePerGasCap, priorityFee, gasLimit,
                receiptTimeout, receiptPollInterval, feeBumpPercent, maxAttempts, heldRetryBackoff, bootstrapServers,
                groupId, commands, results);
    }

    public L1SenderSettings withMaxFeePerGasCap(final BigInteger cap) {
        return new L1SenderSettings(rpcUrl, contractAddress, signer, l1ChainId, cap, priorityFee, gasLimit,
                receiptTimeout, receiptPollInterval, feeBumpPercent, maxAttempts, heldRetryBackoff, bootstrapServers,
                groupId, commandsTopic, resultsTopic);
    }

    public L1SenderSettings withReceiptTimeout(final Duration timeout, final int attempts) {
        return new L1SenderSettings(rpcUrl, contractAddress, signer, l1ChainId, maxFeePerGasCap, priorityFee, gasLimit,
                timeout, receiptPollInterval.compareTo(timeout) <= 0 ? receiptPollInterval : timeout, feeBumpPercent,
                attempts, heldRetryBackoff, bootstrapServers, groupId, commandsTopic, resultsTopic);
    }

    public L1SenderSettings withHeldRetryBackoff(final Duration backoff) {
        return new L1SenderSettings(rpcUrl, contractAddress, signer, l1ChainId, maxFeePerGasCap, priorityFee, gasLimit,
                receiptTimeout, receiptPollInterval, feeBumpPercent, maxAttempts, backoff, bootstrapServers, groupId,
                commandsTopic, resultsTopic);
    }

    /** The signer's address, never its key. */
    public String signerAddress() {
        return signer.getAddress();
    }

    /** The settings without the signer's key. */
    @Override
    public String toString() {
        return "L1SenderSettings[rpcUrl=" + rpcUrl + ", contractAddress=" + contractAddress + ", signer=" + signerAddress()
                + ", l1ChainId=" + l1ChainId + ", maxFeePerGasCap=" + maxFeePerGasCap + ", priorityFee=" + priorityFee
                + ", gasLimit=" + gasLimit + ", receiptTimeout=" + receiptTimeout + ", receiptPollInterval="
                + receiptPollInterval + ", feeBumpPercent=" + feeBumpPercent + ", maxAttempts=" + maxAttempts
                + ", heldRetryBackoff=" + heldRetryBackoff + ", bootstrapServers=" + bootstrapServers + ", groupId="
                + groupId + ", commandsTopic=" + commandsTopic + ", resultsTopic=" + resultsTopic + "]";
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requireText(final String value, final String name) {
        Objects.requireNonNull(value, name);
        require(!value.isBlank(), name + " must not be blank");
    }

    private static void requirePositive(final BigInteger value, final String name) {
        Objects.requireNonNull(value, name);
        require(value.signum() > 0, name + " must be positive, was " + value);
    }

    private static void requirePositive(final Duration value, final String name) {
        Objects.requireNonNull(value, name);
        require(!value.isNegative() && !value.isZero(), name + " must be positive, was " + value);
    }
}
