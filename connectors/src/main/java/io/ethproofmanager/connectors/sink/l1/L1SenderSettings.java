package io.ethproofmanager.connectors.sink.l1;

import com.typesafe.config.Config;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.connectors.source.l1.L1IngesterSettings;
import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * How the L1 sender signs and sends: the node and contract, the signer (its private key is never printed), EIP-1559 fee
 * policy and cap, receipt waiting and replacement, and its topics; the L1 chain id is read from the node. Its keys are
 * those of the sender in the {@code epm.l1} block of reference.conf ({@link #from}).
 */
public record L1SenderSettings(
        String rpcUrl,
        String contractAddress,
        List<Credentials> submitters,
        BigInteger maxFeePerGasCap,
        BigInteger priorityFee,
        BigInteger gasLimit,
        Duration receiptTimeout,
        Duration receiptPollInterval,
        int feeBumpPercent,
        int maxAttempts,
        Duration heldRetryBackoff,
        int maxInFlight,
        int senderConfirmations,
        String bootstrapServers,
        String groupId,
        String commandsTopic,
        String resultsTopic,
        Optional<String> groupInstanceId) {

    public L1SenderSettings {
        submitters = List.copyOf(submitters);
        if (submitters.isEmpty()) {
            throw new IllegalArgumentException("the L1 sender needs at least one submitter key");
        }
    }

    /** Replacement transactions must pay at least 10 % more to be accepted by the nodes' mempools. */
    public static final int MIN_FEE_BUMP_PERCENT = 10;
    /** Most transactions a lane keeps in flight (one poll of the commands topic holds at most as many commands). */
    static final int MAX_IN_FLIGHT = 500;
    /** Longest wait on one command: the consumer must poll again within its {@code max.poll.interval.ms}. */
    static final Duration LONGEST_WAIT_PER_COMMAND = Duration.ofMinutes(30);

    /**
     * Reads the sender's keys of {@code epm.l1} of {@code config} (resolved): the node, the contract, the submitter key
     * (hex, as configured: the one place it becomes the signer), fees, receipts and retries. The sender consumes
     * {@link Topics#L1_COMMANDS} as {@code groupId} and publishes to {@link Topics#L1_TX_RESULTS}.
     */
    public static L1SenderSettings from(final Config config, final String bootstrapServers, final String groupId) {
        final SettingsReader settings = SettingsReader.of(config);
        final Duration receiptTimeout = settings.positiveDuration("epm.l1.receipt-timeout");
        final int maxAttempts = settings.positiveInt("epm.l1.max-attempts");
        if (receiptTimeout.multipliedBy(maxAttempts).compareTo(LONGEST_WAIT_PER_COMMAND) > 0) {
            throw SettingsReader.invalid("epm.l1.receipt-timeout", "x epm.l1.max-attempts must be at most "
                    + SettingsReader.format(LONGEST_WAIT_PER_COMMAND) + " (the consumer must poll again meanwhile), was "
                    + SettingsReader.format(receiptTimeout.multipliedBy(maxAttempts)));
        }
        return new L1SenderSettings(L1IngesterSettings.rpcUrl(settings), L1IngesterSettings.contractAddress(settings),
                submitters(settings),
                settings.bigIntegerAtLeast("epm.l1.max-fee-per-gas-cap", BigInteger.ONE),
                settings.bigIntegerAtLeast("epm.l1.priority-fee", BigInteger.ZERO),
                settings.bigIntegerAtLeast("epm.l1.gas-limit", BigInteger.ONE),
                receiptTimeout,
                settings.durationBetween("epm.l1.receipt-poll-interval", Duration.ZERO, receiptTimeout),
                settings.intBetween("epm.l1.fee-bump-percent", MIN_FEE_BUMP_PERCENT, Integer.MAX_VALUE),
                maxAttempts,
                settings.positiveDuration("epm.l1.held-retry-backoff"),
                settings.intBetween("epm.l1.max-in-flight", 1, MAX_IN_FLIGHT),
                settings.intBetween("epm.l1.sender-confirmations", 0, 1_000),
                bootstrapServers, groupId, Topics.L1_COMMANDS.name(), Topics.L1_TX_RESULTS.name(), Optional.empty());
    }

    /** These settings on other topics. */
    public L1SenderSettings withTopics(final String commands, final String results) {
        return new L1SenderSettings(rpcUrl, contractAddress, submitters, maxFeePerGasCap, priorityFee, gasLimit,
                receiptTimeout, receiptPollInterval, feeBumpPercent, maxAttempts, heldRetryBackoff, maxInFlight, senderConfirmations, bootstrapServers,
                groupId, commands, results, groupInstanceId);
    }

    /** These settings with the sender a static member {@code instanceId} of its group (Kafka's group.instance.id). */
    public L1SenderSettings withGroupInstanceId(final Optional<String> instanceId) {
        return new L1SenderSettings(rpcUrl, contractAddress, submitters, maxFeePerGasCap, priorityFee, gasLimit,
                receiptTimeout, receiptPollInterval, feeBumpPercent, maxAttempts, heldRetryBackoff, maxInFlight, senderConfirmations, bootstrapServers,
                groupId, commandsTopic, resultsTopic, instanceId);
    }

    /**
     * The lanes' keys, lane 0 first: {@code epm.l1.submitter-keys} when set, else {@code epm.l1.submitter-private-key}
     * alone (one lane). With both set, the single key must be the list's first (lane 0). Each account once.
     */
    private static List<Credentials> submitters(final SettingsReader settings) {
        final List<String> keys = settings.textList("epm.l1.submitter-keys", true);
        final Optional<String> single = settings.optionalText("epm.l1.submitter-private-key");
        if (keys.isEmpty()) {
            return List.of(settings.parsed("epm.l1.submitter-private-key", "a private key in hex", true, L1SenderSettings::signer));
        }
        final List<Credentials> submitters = new ArrayList<>();
        for (int lane = 0; lane < keys.size(); lane++) {
            final String key = keys.get(lane);
            try {
                submitters.add(signer(key));
            } catch (final RuntimeException e) {
                throw SettingsReader.invalid("epm.l1.submitter-keys", "must be private keys in hex; item " + (lane + 1) + " is not");
            }
        }
        final long accounts = submitters.stream().map(signer -> signer.getAddress().toLowerCase()).distinct().count();
        if (accounts != submitters.size()) {
            throw SettingsReader.invalid("epm.l1.submitter-keys", "must name each account once (one lane per account)");
        }
        if (single.isPresent() && !settings.parsed("epm.l1.submitter-private-key", "a private key in hex", true,
                L1SenderSettings::signer).getAddress().equalsIgnoreCase(submitters.getFirst().getAddress())) {
            throw SettingsReader.invalid("epm.l1.submitter-private-key", "must be empty or the first key of "
                    + SettingsReader.describe("epm.l1.submitter-keys") + " when both are set");
        }
        return List.copyOf(submitters);
    }

    private static Credentials signer(final String privateKeyHex) {
        if (privateKeyHex.isEmpty()) {
            throw new IllegalArgumentException("no key");
        }
        return Credentials.create(privateKeyHex);
    }

    /** The number of lanes: one per submitter account. */
    public int lanes() {
        return submitters.size();
    }

    /** The first lane's signer address (the only one with a single key), never its key. */
    public String signerAddress() {
        return submitters.getFirst().getAddress();
    }

    /** The lanes' signer addresses, lane 0 first, never their keys. */
    public List<String> submitterAddresses() {
        return submitters.stream().map(Credentials::getAddress).toList();
    }

    /** The settings without the signer's key. */
    @Override
    public String toString() {
        return "L1SenderSettings[rpcUrl=" + rpcUrl + ", contractAddress=" + contractAddress + ", submitters=" + submitterAddresses()
                + ", maxFeePerGasCap=" + maxFeePerGasCap + ", priorityFee=" + priorityFee
                + ", gasLimit=" + gasLimit + ", receiptTimeout=" + receiptTimeout + ", receiptPollInterval="
                + receiptPollInterval + ", feeBumpPercent=" + feeBumpPercent + ", maxAttempts=" + maxAttempts
                + ", heldRetryBackoff=" + heldRetryBackoff + ", maxInFlight=" + maxInFlight + ", senderConfirmations=" + senderConfirmations + ", bootstrapServers=" + bootstrapServers + ", groupId="
                + groupId + ", commandsTopic=" + commandsTopic + ", resultsTopic=" + resultsTopic + "]";
    }
}
