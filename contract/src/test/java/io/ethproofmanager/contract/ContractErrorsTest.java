package io.ethproofmanager.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.contract.ProofManager;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Selectors and decoding of custom errors, checked against revert data produced by solc-compiled code. */
class ContractErrorsTest {

    private static final ContractErrors ERRORS = ContractErrors.declaredBy(ProofManager.class);

    @Test
    void signatureUsesCanonicalAbiTypes() {
        assertThat(ContractErrors.signature(ProofManager.DUPLICATEDPROOFREQUEST_ERROR))
                .isEqualTo("DuplicatedProofRequest(uint256,uint256)");
        assertThat(ContractErrors.signature(ProofManager.PROOFREQUESTISNOTCOMMITTED_ERROR))
                .isEqualTo("ProofRequestIsNotCommitted(uint8)");
        assertThat(ContractErrors.signature(ProofManager.EMPTYPROOF_ERROR)).isEqualTo("EmptyProof()");
    }

    @Test
    void selectorIsTheStartOfTheSignatureHash() {
        assertThat(ContractErrors.selector(ProofManager.DUPLICATEDPROOFREQUEST_ERROR)).isEqualTo("0xafad4993");
        assertThat(ContractErrors.selector(ProofManager.ONLYPROVINGNETWORKALLOWED_ERROR)).isEqualTo("0x93fb5fc7");
    }

    @Test
    void decodesArgumentsOfAKnownError() {
        final String revertData = "0xafad4993"
                + "0000000000000000000000000000000000000000000000000000000000000144"
                + "0000000000000000000000000000000000000000000000000000000000000009";

        final ContractErrors.Decoded decoded = ERRORS.decode(revertData).orElseThrow();

        assertThat(decoded.is(ProofManager.DUPLICATEDPROOFREQUEST_ERROR)).isTrue();
        assertThat(decoded.argument(0)).isEqualTo(BigInteger.valueOf(324));
        assertThat(decoded.argument(1)).isEqualTo(BigInteger.valueOf(9));
        assertThat(decoded).hasToString("DuplicatedProofRequest(324, 9)");
    }

    @Test
    void unknownOrMissingRevertDataDecodesToNothing() {
        assertThat(ERRORS.decode("0x08c379a0")).isEmpty();
        assertThat(ERRORS.decode("0x")).isEmpty();
        assertThat(ERRORS.decode(null)).isEmpty();
    }

    @Test
    void knowsEveryErrorOfTheProofManagerAbi() {
        assertThat(ERRORS.errors().values()).extracting(ContractErrors::signature).contains(
                "AddressCannotBeZero(string)", "NoFundsAvailable()", "OnlyProvingNetworkAssigneeAllowed(address)",
                "ProofRequestIsNotPendingAcknowledgement(uint8)", "ProofRequestIsNotProven(uint8)",
                "ProofRequestAcknowledgementDeadlinePassed()", "ProofRequestProvingDeadlinePassed()",
                "InvalidProofRequestTimeout()", "MaxRewardOutOfBounds()", "NoPaymentDue()", "ProvingNetworkCannotBeNone()");
    }
}
