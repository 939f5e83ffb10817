package io.ethproofmanager.connectors.sink.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ethproofmanager.schemas.Topics;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** The L1 sender's settings: defaults from the reference manager, preconditions, and a key that is never printed. */
class L1SenderSettingsTest {

    private static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final Credentials SIGNER = Credentials.create("0x" + KEY);

    private static L1SenderSettings defaults() {
        return L1SenderSettings.defaults("http://127.0.0.1:8545", "0x5fbdb2315678afecb367f032d93f642f64180aa3", SIGNER,
                BigInteger.valueOf(100_000_000_000L), "127.0.0.1:9092", "epm-l1-sender");
    }

    @Test
    void defaultsFollowTheReferenceManager() {
        final L1SenderSettings settings = defaults();

        assertThat(settings.l1ChainId()).isZero();
        assertThat(settings.priorityFee()).isEqualTo(BigInteger.valueOf(1_000_000));
        assertThat(settings.gasLimit()).isEqualTo(BigInteger.valueOf(1_000_000));
        assertThat(settings.maxAttempts()).isEqualTo(10);
        assertThat(settings.feeBumpPercent()).isGreaterThanOrEqualTo(10);
        assertThat(settings.commandsTopic()).isEqualTo(Topics.L1_COMMANDS.name());
        assertThat(settings.resultsTopic()).isEqualTo(Topics.L1_TX_RESULTS.name());
    }

    @Test
    void printedSettingsNameTheSignerButNotItsKey() {
        final String printed = defaults().toString();

        assertThat(printed).contains(SIGNER.getAddress()).doesNotContain(KEY).doesNotContainIgnoringCase("privateKey");
    }

    @Test
    void feeBumpBelowTenPercentIsRefused() {
        final L1SenderSettings d = defaults();

        assertThatThrownBy(() -> new L1SenderSettings(d.rpcUrl(), d.contractAddress(), d.signer(), 0, d.maxFeePerGasCap(),
                d.priorityFee(), d.gasLimit(), d.receiptTimeout(), d.receiptPollInterval(), 9, d.maxAttempts(),
                d.heldRetryBackoff(), d.bootstrapServers(), d.groupId(), d.commandsTopic(), d.resultsTopic()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feeBumpPercent must be at least 10, was 9");
    }

    @Test
    void capMustBePositiveAndWaitsBounded() {
        assertThatThrownBy(() -> defaults().withMaxFeePerGasCap(BigInteger.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFeePerGasCap must be positive");
        assertThatThrownBy(() -> defaults().withReceiptTimeout(Duration.ofMinutes(10), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("receiptTimeout x maxAttempts");
        assertThatThrownBy(() -> defaults().withReceiptTimeout(Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> defaults().withTopics(" ", "results"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandsTopic must not be blank");
    }
}
