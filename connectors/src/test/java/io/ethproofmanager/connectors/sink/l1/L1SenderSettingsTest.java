package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** The L1 sender's keys of epm.l1 as it reads them, the preconditions named by key, and a key that is never printed. */
class L1SenderSettingsTest {

    private static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final Credentials SIGNER = Credentials.create("0x" + KEY);

    private static L1SenderSettings settings(final String hocon) {
        return L1SenderSettings.from(TestSettings.with("""
                epm.l1 { rpc-url = "http://127.0.0.1:8545", contract-address = "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                         submitter-private-key = "0x%s" }
                %s""".formatted(KEY, hocon)), "127.0.0.1:9092", "epm-l1-sender");
    }

    @Test
    void readsItsKeysOfTheL1Block() {
        final L1SenderSettings settings = settings("""
                epm.l1 { max-fee-per-gas-cap = 7000000000, priority-fee = 0, gas-limit = 900000, receipt-timeout = 30s,
                         receipt-poll-interval = 1s, fee-bump-percent = 15, max-attempts = 4, held-retry-backoff = 3s }""");

        assertThat(settings.signerAddress()).isEqualTo(SIGNER.getAddress());
        assertThat(settings.maxFeePerGasCap()).isEqualTo(BigInteger.valueOf(7_000_000_000L));
        assertThat(settings.priorityFee()).isZero();
        assertThat(settings.gasLimit()).isEqualTo(BigInteger.valueOf(900_000));
        assertThat(settings.receiptTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.receiptPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.feeBumpPercent()).isEqualTo(15);
        assertThat(settings.maxAttempts()).isEqualTo(4);
        assertThat(settings.heldRetryBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.groupId()).isEqualTo("epm-l1-sender");
        assertThat(settings.commandsTopic()).isEqualTo(Topics.L1_COMMANDS.name());
        assertThat(settings.resultsTopic()).isEqualTo(Topics.L1_TX_RESULTS.name());
    }

    @Test
    void oneKeyIsOneLaneAndSubmitterKeysAreTheLanesInOrder() {
        final String second = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
        final String secondAddress = Credentials.create(second).getAddress();

        assertThat(settings("").submitterAddresses()).containsExactly(SIGNER.getAddress());
        assertThat(settings("epm.l1.submitter-keys = [\"0x%s\", \"0x%s\"]".formatted(KEY, second)).submitterAddresses())
                .containsExactly(SIGNER.getAddress(), secondAddress);
        assertThat(settings("epm.l1 { submitter-private-key = \"\", submitter-keys = \"0x%s, 0x%s\" }".formatted(second, KEY))
                .submitterAddresses()).as("comma-separated, as the variable sets it").containsExactly(secondAddress, SIGNER.getAddress());
    }

    @Test
    void submitterKeysNameEachAccountOnceWithTheSingleKeyFirstAndAreNeverPrinted() {
        final String second = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
        assertThatThrownBy(() -> settings("epm.l1.submitter-keys = [\"0x%s\", \"0x%s\"]".formatted(KEY, KEY)))
                .hasMessageContaining("epm.l1.submitter-keys (EPM_L1_SUBMITTER_KEYS) must name each account once");
        assertThatThrownBy(() -> settings("epm.l1.submitter-keys = [\"0x%s\", \"0x%s\"]".formatted(second, KEY)))
                .hasMessageContaining("epm.l1.submitter-private-key (EPM_L1_SUBMITTER_PRIVATE_KEY) must be empty or the first key");
        assertThatThrownBy(() -> settings("epm.l1.submitter-keys = [\"0x%s\", \"0xsecretsecret\"]".formatted(KEY)))
                .hasMessageContaining("item 2 is not").message().doesNotContain("secretsecret").doesNotContain(KEY);
    }

    @Test
    void theReferenceDefaultsAreValid() {
        assertThat(settings("").feeBumpPercent()).isGreaterThanOrEqualTo(L1SenderSettings.MIN_FEE_BUMP_PERCENT);
    }

    @Test
    void printedSettingsNameTheSignerButNotItsKey() {
        final String printed = settings("").toString();

        assertThat(printed).contains(SIGNER.getAddress()).doesNotContain(KEY).doesNotContainIgnoringCase("privateKey");
    }

    @Test
    void aKeyThatIsNoKeyIsRefusedWithoutBeingPrinted() {
        assertThatThrownBy(() -> settings("epm.l1.submitter-private-key = \"0xsecretsecret\""))
                .hasMessage("invalid configuration: epm.l1.submitter-private-key (EPM_L1_SUBMITTER_PRIVATE_KEY) must be a private"
                        + " key in hex");
    }

    @Test
    void feeBumpBelowTenPercentIsRefused() {
        assertThatThrownBy(() -> settings("epm.l1.fee-bump-percent = 9"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epm.l1.fee-bump-percent must be at least 10, was 9");
    }

    @Test
    void capMustBePositiveAndWaitsBounded() {
        assertThatThrownBy(() -> settings("epm.l1.max-fee-per-gas-cap = 0"))
                .hasMessageContaining("epm.l1.max-fee-per-gas-cap (EPM_L1_MAX_FEE_PER_GAS_CAP) must be positive, was 0");
        assertThatThrownBy(() -> settings("epm.l1 { receipt-timeout = 10m, max-attempts = 10 }"))
                .hasMessageContaining("epm.l1.receipt-timeout x epm.l1.max-attempts must be at most 1800s");
        assertThatThrownBy(() -> settings("epm.l1.max-attempts = 0")).hasMessageContaining("epm.l1.max-attempts must be positive");
        assertThatThrownBy(() -> settings("epm.l1 { receipt-timeout = 1s, receipt-poll-interval = 2s }"))
                .hasMessageContaining("epm.l1.receipt-poll-interval must be at most 1s, was 2s");
    }
}
