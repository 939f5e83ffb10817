package io.ethproofmanager.devkit.chain;

import io.ethproofmanager.contract.ContractErrors;
import io.ethproofmanager.contract.RevertData;

import static io.ethproofmanager.devkit.chain.LocalChain.ACTIVE;
import static io.ethproofmanager.devkit.chain.LocalChain.FERMAH;
import static io.ethproofmanager.devkit.chain.LocalChain.INACTIVE;
import static io.ethproofmanager.devkit.chain.LocalChain.LAGRANGE;
import static io.ethproofmanager.devkit.chain.LocalChain.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.contract.ProofManager.ProofRequest;
import io.ethproofmanager.contract.ProofManager.ProofRequestIdentifier;
import io.ethproofmanager.contract.ProofManager.ProofRequestParams;
import io.ethproofmanager.contract.ProofManager.ProofRequestSubmittedEventResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.utils.Numeric;

/** The ProofManager contract's rules, one by one, against a real anvil chain (one per class, a snapshot per test). */
class ProofManagerContractTest {

    private static final ContractErrors ERRORS = ContractErrors.declaredBy(ProofManager.class);
    private static final BigInteger ROLLUP_CHAIN_ID = BigInteger.valueOf(324);
    private static final BigInteger ACK_TIMEOUT = BigInteger.valueOf(120);
    private static final BigInteger PROOF_TIMEOUT = BigInteger.valueOf(4_800);
    private static final BigInteger FOUR_USDC = BigInteger.valueOf(4_000_000);
    private static final String PROOF_INPUTS_URL = "https://blobs.example/proof-inputs.bin";
    private static final byte[] PROOF = "fflonk-proof".getBytes(StandardCharsets.UTF_8);

    /** ProofRequestStatus values of the contract. */
    private static final BigInteger PENDING_ACKNOWLEDGEMENT = BigInteger.ZERO;
    private static final BigInteger COMMITTED = BigInteger.ONE;
    private static final BigInteger REFUSED = BigInteger.TWO;
    private static final BigInteger UNACKNOWLEDGED = BigInteger.valueOf(3);
    private static final BigInteger PROVEN = BigInteger.valueOf(4);
    private static final BigInteger TIMED_OUT = BigInteger.valueOf(5);
    private static final BigInteger VALIDATED = BigInteger.valueOf(6);
    private static final BigInteger VALIDATION_FAILED = BigInteger.valueOf(7);

    private static LocalChain chain;

    private String snapshot;
    private ProofManager asSubmitter;
    private ProofManager asFermah;
    private ProofManager asLagrange;
    private ProofManager asOutsider;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start();
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = chain.snapshot();
        asSubmitter = chain.proofManager(chain.submitter());
        asFermah = chain.proofManager(chain.fermah());
        asLagrange = chain.proofManager(chain.lagrange());
        asOutsider = chain.proofManager(chain.outsider());
    }

    @AfterEach
    void restoreSnapshot() {
        chain.revert(snapshot);
    }

    @Test
    void localChainRegistersBothNetworksActiveAndFundsTheContract() throws Exception {
        assertThat(chain.web3j().ethChainId().send().getChainId().longValueExact()).isEqualTo(LocalChain.DEFAULT_CHAIN_ID);
        final var fermah = asOutsider.provingNetworkInfo(FERMAH).send();
        final var lagrange = asOutsider.provingNetworkInfo(LAGRANGE).send();

        assertThat(List.of(fermah.addr, lagrange.addr))
                .containsExactly(chain.fermah().getAddress(), chain.lagrange().getAddress());
        assertThat(List.of(fermah.status, lagrange.status)).containsExactly(ACTIVE, ACTIVE);
        assertThat(usdcBalance(chain.proofManagerAddress())).isEqualTo(LocalChain.INITIAL_FUNDING);
        assertThat(chain.usdc(chain.outsider()).decimals().send()).isEqualTo(BigInteger.valueOf(6));
    }

    @Test
    void submittedRequestIsPendingAcknowledgementAndEmitsAllFields() throws Exception {
        final TransactionReceipt receipt = submit(id(7), params(PROOF_TIMEOUT, FOUR_USDC));

        final ProofRequestSubmittedEventResponse event = ProofManager.getProofRequestSubmittedEvents(receipt).getFirst();
        assertThat(List.of(event.chainId, event.blockNumber, event.assignedTo, event.protocolMajor, event.protocolMinor,
                event.protocolPatch, event.timeoutAfter, event.maxReward, event.requestId))
                .containsExactly(ROLLUP_CHAIN_ID, BigInteger.valueOf(7), FERMAH, BigInteger.ZERO, BigInteger.valueOf(29),
                        BigInteger.TWO, PROOF_TIMEOUT, FOUR_USDC, BigInteger.ZERO);
        assertThat(event.proofInputsUrl).isEqualTo(PROOF_INPUTS_URL);
        final ProofRequest request = request(id(7));
        assertThat(request.status).isEqualTo(PENDING_ACKNOWLEDGEMENT);
        assertThat(request.assignedTo).isEqualTo(FERMAH);
        assertThat(request.submittedAt).isEqualTo(blockTimestamp(receipt));
        assertThat(request.proofInputsUrl).isEqualTo(PROOF_INPUTS_URL);
    }

    @Test
    void roundRobinGivesFermahLagrangeThenTwiceThePreferredNetwork() throws Exception {
        final List<TransactionReceipt> receipts = new ArrayList<>();
        for (int batch = 1; batch <= 4; batch++) {
            receipts.add(submit(id(batch), params(PROOF_TIMEOUT, FOUR_USDC)));
        }

        assertThat(receipts).extracting(r -> ProofManager.getProofRequestSubmittedEvents(r).getFirst().assignedTo)
                .containsExactly(FERMAH, LAGRANGE, NONE, NONE);
        assertThat(List.of(request(id(1)).status, request(id(2)).status, request(id(3)).status, request(id(4)).status))
                .containsExactly(PENDING_ACKNOWLEDGEMENT, PENDING_ACKNOWLEDGEMENT, REFUSED, REFUSED);
        assertThat(receipts).allSatisfy(r -> assertThat(ProofManager.getProofRequestAcknowledgedEvents(r)).isEmpty());

        asSubmitter.updatePreferredProvingNetwork(LAGRANGE).send();
        assertThat(asSubmitter.preferredProvingNetwork().send()).isEqualTo(LAGRANGE);
        for (int batch = 5; batch <= 8; batch++) {
            submit(id(batch), params(PROOF_TIMEOUT, FOUR_USDC));
        }
        assertThat(List.of(request(id(5)).assignedTo, request(id(6)).assignedTo, request(id(7)).assignedTo, request(id(8)).assignedTo))
                .containsExactly(FERMAH, LAGRANGE, LAGRANGE, LAGRANGE);
    }

    @Test
    void preferredNetworkStartsAsNone() throws Exception {
        assertThat(asOutsider.preferredProvingNetwork().send()).isEqualTo(NONE);
    }

    @Test
    void inactiveAssigneeGetsTheRequestRefusedAtOnce() throws Exception {
        final TransactionReceipt statusChange = asSubmitter.updateProvingNetworkStatus(FERMAH, INACTIVE).send();
        assertThat(ProofManager.getProvingNetworkStatusUpdatedEvents(statusChange).getFirst().status).isEqualTo(INACTIVE);

        final TransactionReceipt receipt = submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));

        assertThat(ProofManager.getProofRequestSubmittedEvents(receipt).getFirst().assignedTo).isEqualTo(FERMAH);
        assertThat(request(id(1)).status).isEqualTo(REFUSED);
        assertRevert(asFermah.acknowledgeProofRequest(id(1), true),
                ProofManager.PROOFREQUESTISNOTPENDINGACKNOWLEDGEMENT_ERROR, REFUSED);
        asSubmitter.updateProvingNetworkStatus(FERMAH, ACTIVE).send();
        assertThat(asOutsider.provingNetworkInfo(FERMAH).send().status).isEqualTo(ACTIVE);
    }

    @Test
    void duplicateRequestRevertsWithItsIdentifier() throws Exception {
        submit(id(9), params(PROOF_TIMEOUT, FOUR_USDC));

        assertRevert(asSubmitter.submitProofRequest(id(9), params(PROOF_TIMEOUT, FOUR_USDC)),
                ProofManager.DUPLICATEDPROOFREQUEST_ERROR, ROLLUP_CHAIN_ID, BigInteger.valueOf(9));
    }

    @Test
    void proofTimeoutMustBeAboveTwoMinutesAndAtMostTwoHours() throws Exception {
        assertRevert(asSubmitter.submitProofRequest(id(1), params(ACK_TIMEOUT, FOUR_USDC)),
                ProofManager.INVALIDPROOFREQUESTTIMEOUT_ERROR);
        assertRevert(asSubmitter.submitProofRequest(id(1), params(BigInteger.valueOf(7_201), FOUR_USDC)),
                ProofManager.INVALIDPROOFREQUESTTIMEOUT_ERROR);

        submit(id(1), params(BigInteger.valueOf(121), FOUR_USDC));
        submit(id(2), params(BigInteger.valueOf(7_200), FOUR_USDC));
    }

    @Test
    void maxRewardMustBeFromOneUnitToFiveUsdc() throws Exception {
        assertRevert(asSubmitter.submitProofRequest(id(1), params(PROOF_TIMEOUT, BigInteger.ZERO)),
                ProofManager.MAXREWARDOUTOFBOUNDS_ERROR);
        assertRevert(asSubmitter.submitProofRequest(id(1), params(PROOF_TIMEOUT, BigInteger.valueOf(5_000_001))),
                ProofManager.MAXREWARDOUTOFBOUNDS_ERROR);

        submit(id(1), params(PROOF_TIMEOUT, BigInteger.ONE));
        submit(id(2), params(PROOF_TIMEOUT, BigInteger.valueOf(5_000_000)));
        assertThat(List.of(request(id(1)).maxReward, request(id(2)).maxReward))
                .containsExactly(BigInteger.ONE, BigInteger.valueOf(5_000_000));
    }

    @Test
    void onlyTheSubmitterRoleMaySubmit() throws Exception {
        final byte[] submitterRole = asOutsider.SUBMITTER_ROLE().send();

        assertRevert(asOutsider.submitProofRequest(id(1), params(PROOF_TIMEOUT, FOUR_USDC)),
                ProofManager.ACCESSCONTROLUNAUTHORIZEDACCOUNT_ERROR, chain.outsider().getAddress(), submitterRole);
    }

    @Test
    void assigneeAcceptsOrRefuses() throws Exception {
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));
        submit(id(2), params(PROOF_TIMEOUT, FOUR_USDC));

        final var accepted = ProofManager.getProofRequestAcknowledgedEvents(asFermah.acknowledgeProofRequest(id(1), true).send());
        final var refused = ProofManager.getProofRequestAcknowledgedEvents(asLagrange.acknowledgeProofRequest(id(2), false).send());

        assertThat(accepted).singleElement().satisfies(e -> {
            assertThat(e.accepted).isTrue();
            assertThat(e.assignedTo).isEqualTo(FERMAH);
            assertThat(e.blockNumber).isEqualTo(BigInteger.ONE);
        });
        assertThat(refused).singleElement().satisfies(e -> {
            assertThat(e.accepted).isFalse();
            assertThat(e.assignedTo).isEqualTo(LAGRANGE);
        });
        assertThat(List.of(request(id(1)).status, request(id(2)).status)).containsExactly(COMMITTED, REFUSED);
    }

    @Test
    void onlyTheAssignedNetworkMayAcknowledge() throws Exception {
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));

        assertRevert(asLagrange.acknowledgeProofRequest(id(1), true),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.lagrange().getAddress());
        assertRevert(asOutsider.acknowledgeProofRequest(id(1), true),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.outsider().getAddress());
        assertRevert(asFermah.acknowledgeProofRequest(id(404), true),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.fermah().getAddress());
        assertThat(request(id(1)).status).isEqualTo(PENDING_ACKNOWLEDGEMENT);
    }

    @Test
    void onlyTheAssignedNetworkMaySubmitTheProof() throws Exception {
        commit(id(1), asFermah);

        assertRevert(asLagrange.submitProof(id(1), PROOF, FOUR_USDC),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.lagrange().getAddress());
        assertRevert(asOutsider.submitProof(id(1), PROOF, FOUR_USDC),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.outsider().getAddress());
        assertRevert(asFermah.submitProof(id(404), PROOF, FOUR_USDC),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.fermah().getAddress());
        assertThat(request(id(1)).status).isEqualTo(COMMITTED);
    }

    @Test
    void acknowledgementExactlyAtTheDeadlineSucceeds() throws Exception {
        final BigInteger submittedAt = blockTimestamp(submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC)));

        chain.setNextBlockTimestamp(submittedAt.add(ACK_TIMEOUT).longValueExact());
        final TransactionReceipt receipt = asFermah.acknowledgeProofRequest(id(1), true).send();

        assertThat(blockTimestamp(receipt)).isEqualTo(submittedAt.add(ACK_TIMEOUT));
        assertThat(request(id(1)).status).isEqualTo(COMMITTED);
    }

    @Test
    void lateAcknowledgementReverts() throws Exception {
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));

        chain.increaseTime(121);
        assertRevert(asFermah.acknowledgeProofRequest(id(1), true), ProofManager.PROOFREQUESTACKNOWLEDGEMENTDEADLINEPASSED_ERROR);
    }

    @Test
    void requestReadsUnacknowledgedFromOneSecondAfterTheAcknowledgementDeadline() throws Exception {
        final BigInteger submittedAt = blockTimestamp(submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC)));

        assertThat(requestAtBlockWithTimestamp(id(1), submittedAt.add(ACK_TIMEOUT)).status).isEqualTo(PENDING_ACKNOWLEDGEMENT);
        assertThat(requestAtBlockWithTimestamp(id(1), submittedAt.add(ACK_TIMEOUT).add(BigInteger.ONE)).status)
                .isEqualTo(UNACKNOWLEDGED);
    }

    @Test
    void submitProofNeedsACommittedRequestAndANonEmptyProof() throws Exception {
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));
        assertRevert(asFermah.submitProof(id(1), PROOF, FOUR_USDC), ProofManager.PROOFREQUESTISNOTCOMMITTED_ERROR,
                PENDING_ACKNOWLEDGEMENT);

        asFermah.acknowledgeProofRequest(id(1), true).send();
        assertRevert(asFermah.submitProof(id(1), new byte[0], FOUR_USDC), ProofManager.EMPTYPROOF_ERROR);
    }

    @Test
    void provenPriceIsCappedAtMaxReward() throws Exception {
        commit(id(1), asFermah);

        final TransactionReceipt receipt = asFermah.submitProof(id(1), PROOF, BigInteger.valueOf(9_000_000)).send();

        final var proven = ProofManager.getProofRequestProvenEvents(receipt).getFirst();
        assertThat(proven.requestedReward).isEqualTo(FOUR_USDC);
        assertThat(proven.proof).isEqualTo(PROOF);
        assertThat(proven.assignedTo).isEqualTo(FERMAH);
        final ProofRequest request = request(id(1));
        assertThat(request.status).isEqualTo(PROVEN);
        assertThat(request.requestedReward).isEqualTo(FOUR_USDC);
        assertThat(request.proof).isEqualTo(PROOF);
    }

    @Test
    void priceOfZeroIsAccepted() throws Exception {
        commit(id(1), asFermah);

        asFermah.submitProof(id(1), PROOF, BigInteger.ZERO).send();

        assertThat(request(id(1)).requestedReward).isEqualTo(BigInteger.ZERO);
    }

    @Test
    void provingExactlyAtTheDeadlineSucceedsAndOneSecondLaterReverts() throws Exception {
        final BigInteger submittedAt = commit(id(1), asFermah);
        commit(id(2), asLagrange);
        final BigInteger secondSubmittedAt = request(id(2)).submittedAt;

        chain.setNextBlockTimestamp(submittedAt.add(PROOF_TIMEOUT).longValueExact());
        asFermah.submitProof(id(1), PROOF, FOUR_USDC).send();
        assertThat(request(id(1)).status).isEqualTo(PROVEN);

        chain.setNextBlockTimestamp(secondSubmittedAt.add(PROOF_TIMEOUT).add(BigInteger.ONE).longValueExact());
        assertRevert(asLagrange.submitProof(id(2), PROOF, FOUR_USDC), ProofManager.PROOFREQUESTPROVINGDEADLINEPASSED_ERROR);
    }

    @Test
    void requestReadsTimedOutFromOneSecondAfterTheProvingDeadline() throws Exception {
        final BigInteger submittedAt = commit(id(1), asFermah);

        assertThat(requestAtBlockWithTimestamp(id(1), submittedAt.add(PROOF_TIMEOUT)).status).isEqualTo(COMMITTED);
        assertThat(requestAtBlockWithTimestamp(id(1), submittedAt.add(PROOF_TIMEOUT).add(BigInteger.ONE)).status)
                .isEqualTo(TIMED_OUT);
    }

    @Test
    void validProofEarnsTheRewardWhichClaimRewardPaysInUsdc() throws Exception {
        commit(id(1), asFermah);
        asFermah.submitProof(id(1), PROOF, BigInteger.valueOf(3_500_000)).send();
        final BigInteger fermahBalance = usdcBalance(chain.fermah().getAddress());

        final var validation = ProofManager.getProofValidationResultEvents(asSubmitter.submitProofValidationResult(id(1), true).send());

        assertThat(validation).singleElement().satisfies(e -> {
            assertThat(e.isProofValid).isTrue();
            assertThat(e.assignedTo).isEqualTo(FERMAH);
        });
        assertThat(request(id(1)).status).isEqualTo(VALIDATED);
        assertThat(asOutsider.provingNetworkInfo(FERMAH).send().owedReward).isEqualTo(BigInteger.valueOf(3_500_000));

        final var claimed = ProofManager.getRewardClaimedEvents(asFermah.claimReward().send());
        assertThat(claimed).singleElement().satisfies(e -> {
            assertThat(e.by).isEqualTo(FERMAH);
            assertThat(e.amount).isEqualTo(BigInteger.valueOf(3_500_000));
        });
        assertThat(usdcBalance(chain.fermah().getAddress())).isEqualTo(fermahBalance.add(BigInteger.valueOf(3_500_000)));
        assertThat(asOutsider.provingNetworkInfo(FERMAH).send().owedReward).isZero();
        assertRevert(asFermah.claimReward(), ProofManager.NOPAYMENTDUE_ERROR);
    }

    @Test
    void invalidProofEarnsNothing() throws Exception {
        commit(id(1), asFermah);
        asFermah.submitProof(id(1), PROOF, FOUR_USDC).send();

        asSubmitter.submitProofValidationResult(id(1), false).send();

        assertThat(request(id(1)).status).isEqualTo(VALIDATION_FAILED);
        assertRevert(asFermah.claimReward(), ProofManager.NOPAYMENTDUE_ERROR);
        assertRevert(asOutsider.claimReward(), ProofManager.ONLYPROVINGNETWORKALLOWED_ERROR, chain.outsider().getAddress());
    }

    @Test
    void onlyAProvenRequestCanBeValidated() throws Exception {
        commit(id(1), asFermah);

        assertRevert(asSubmitter.submitProofValidationResult(id(1), true), ProofManager.PROOFREQUESTISNOTPROVEN_ERROR, COMMITTED);
    }

    @Test
    void rotatedNetworkAddressTakesOverItsRequests() throws Exception {
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));

        final TransactionReceipt rotation = asSubmitter.updateProvingNetworkAddress(FERMAH, chain.outsider().getAddress()).send();

        assertThat(ProofManager.getProvingNetworkAddressUpdatedEvents(rotation)).singleElement()
                .satisfies(e -> assertThat(e.addr).isEqualTo(chain.outsider().getAddress()));
        assertRevert(asFermah.acknowledgeProofRequest(id(1), true),
                ProofManager.ONLYPROVINGNETWORKASSIGNEEALLOWED_ERROR, chain.fermah().getAddress());
        asOutsider.acknowledgeProofRequest(id(1), true).send();
        assertThat(request(id(1)).status).isEqualTo(COMMITTED);
    }

    @Test
    void administrationRejectsNoneZeroAddressAndNonAdmins() throws Exception {
        final byte[] adminRole = asOutsider.DEFAULT_ADMIN_ROLE().send();

        assertRevert(asSubmitter.updateProvingNetworkAddress(NONE, chain.outsider().getAddress()),
                ProofManager.PROVINGNETWORKCANNOTBENONE_ERROR);
        assertRevert(asSubmitter.updateProvingNetworkStatus(NONE, INACTIVE), ProofManager.PROVINGNETWORKCANNOTBENONE_ERROR);
        assertRevert(asSubmitter.updateProvingNetworkAddress(LAGRANGE, "0x0000000000000000000000000000000000000000"),
                ProofManager.ADDRESSCANNOTBEZERO_ERROR, "provingNetworkAddress");
        assertRevert(asOutsider.updatePreferredProvingNetwork(FERMAH),
                ProofManager.ACCESSCONTROLUNAUTHORIZEDACCOUNT_ERROR, chain.outsider().getAddress(), adminRole);
    }

    @Test
    void adminWithdrawsFunds() throws Exception {
        final BigInteger adminBalance = usdcBalance(chain.admin().getAddress());

        final TransactionReceipt receipt = asSubmitter.withdraw(chain.usdcAddress(), BigInteger.valueOf(7_000_000)).send();

        assertThat(ProofManager.getFundsWithdrawnEvents(receipt)).singleElement().satisfies(e -> {
            assertThat(e.token).isEqualTo(chain.usdcAddress());
            assertThat(e.by).isEqualTo(chain.admin().getAddress());
            assertThat(e.amount).isEqualTo(BigInteger.valueOf(7_000_000));
        });
        assertThat(usdcBalance(chain.admin().getAddress())).isEqualTo(adminBalance.add(BigInteger.valueOf(7_000_000)));
    }

    @Test
    void requestThatDoesNotExistReadsSubmittedAtZero() throws Exception {
        assertThat(request(id(404)).submittedAt).isZero();
    }

    @Test
    void newRequestNeedsFundsForEveryRequestInFlightUntilExpiredOnesArePurged() throws Exception {
        final BigInteger funds = usdcBalance(chain.proofManagerAddress());
        asSubmitter.withdraw(chain.usdcAddress(), funds.subtract(BigInteger.valueOf(10_000_000))).send();
        submit(id(1), params(PROOF_TIMEOUT, FOUR_USDC));
        submit(id(2), params(PROOF_TIMEOUT, FOUR_USDC));

        assertRevert(asSubmitter.submitProofRequest(id(3), params(PROOF_TIMEOUT, FOUR_USDC)), ProofManager.NOFUNDSAVAILABLE_ERROR);

        chain.increaseTime(121);
        submit(id(3), params(PROOF_TIMEOUT, FOUR_USDC));
    }

    private TransactionReceipt submit(final ProofRequestIdentifier id, final ProofRequestParams params) throws Exception {
        final TransactionReceipt receipt = asSubmitter.submitProofRequest(id, params).send();
        assertThat(receipt.isStatusOK()).isTrue();
        return receipt;
    }

    /** Submits {@code id} (which the round robin gives to {@code assignee}) and commits it; returns its submittedAt. */
    private BigInteger commit(final ProofRequestIdentifier id, final ProofManager assignee) throws Exception {
        final BigInteger submittedAt = blockTimestamp(submit(id, params(PROOF_TIMEOUT, FOUR_USDC)));
        assignee.acknowledgeProofRequest(id, true).send();
        return submittedAt;
    }

    private ProofRequest request(final ProofRequestIdentifier id) throws Exception {
        return asOutsider.proofRequest(id).send();
    }

    /** Mines a block with timestamp {@code timestamp} and reads the request as of that block. */
    private ProofRequest requestAtBlockWithTimestamp(final ProofRequestIdentifier id, final BigInteger timestamp) throws Exception {
        chain.setNextBlockTimestamp(timestamp.longValueExact());
        chain.mine();
        final ProofManager reader = chain.proofManager(chain.outsider());
        reader.setDefaultBlockParameter(DefaultBlockParameter.valueOf(chain.web3j().ethBlockNumber().send().getBlockNumber()));
        assertThat(chain.latestBlockTimestamp()).isEqualTo(timestamp.longValueExact());
        return reader.proofRequest(id).send();
    }

    private BigInteger blockTimestamp(final TransactionReceipt receipt) throws Exception {
        return chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp();
    }

    private BigInteger usdcBalance(final String address) throws Exception {
        return chain.usdc(chain.outsider()).balanceOf(address).send();
    }

    /** Sends {@code call}, expects it mined and reverted with {@code error} and {@code arguments}. */
    private static void assertRevert(final RemoteFunctionCall<TransactionReceipt> call, final CustomError error,
            final Object... arguments) {
        final TransactionException failure = assertThrows(TransactionException.class, call::send);
        final TransactionReceipt receipt = failure.getTransactionReceipt()
                .orElseThrow(() -> new AssertionError("reverted without a receipt: " + failure.getMessage()));
        assertThat(receipt.isStatusOK()).isFalse();
        final String data = RevertData.ofFailedTransaction(chain.web3j(), receipt)
                .orElseThrow(() -> new AssertionError("no revert data when replaying " + receipt.getTransactionHash()));
        final ContractErrors.Decoded decoded = ERRORS.decode(data)
                .orElseThrow(() -> new AssertionError("revert data matches no ProofManager error: " + data));
        assertThat(decoded.signature()).isEqualTo(ContractErrors.signature(error));
        assertThat(decoded.arguments()).extracting(argument -> normalize(argument.getValue()))
                .containsExactly(Arrays.stream(arguments).map(ProofManagerContractTest::normalize).toArray());
    }

    private static Object normalize(final Object value) {
        if (value instanceof byte[] bytes) {
            return Numeric.toHexString(bytes);
        }
        return value instanceof String text ? text.toLowerCase() : value;
    }

    private static ProofRequestIdentifier id(final long batch) {
        return new ProofRequestIdentifier(ROLLUP_CHAIN_ID, BigInteger.valueOf(batch));
    }

    private static ProofRequestParams params(final BigInteger timeoutAfter, final BigInteger maxReward) {
        return new ProofRequestParams(BigInteger.ZERO, BigInteger.valueOf(29), BigInteger.TWO,
                PROOF_INPUTS_URL, timeoutAfter, maxReward);
    }
}
