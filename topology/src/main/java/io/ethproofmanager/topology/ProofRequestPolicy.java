package io.ethproofmanager.topology;

import java.time.Duration;
import java.util.Objects;

/** What the manager asks of a proving network in each proof request: the proving timeout and the maximum reward. */
public record ProofRequestPolicy(Duration timeoutAfter, long maxRewardMicroUsdc) {

    /** The contract refuses a timeout of 2 minutes or less ({@code InvalidProofRequestTimeout}). */
    public static final Duration MIN_TIMEOUT_EXCLUSIVE = Duration.ofMinutes(2);
    /** The contract refuses a timeout above 2 hours ({@code InvalidProofRequestTimeout}). */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(2);
    /** 1 micro-unit (0.000001 USDC): the contract's lowest accepted max reward ({@code MaxRewardOutOfBounds}). */
    public static final long MIN_REWARD_MICRO_USDC = 1L;
    /** 5 USDC in 6 decimals: the contract's highest accepted max reward ({@code MaxRewardOutOfBounds}). */
    public static final long MAX_REWARD_MICRO_USDC = 5_000_000L;

    public ProofRequestPolicy {
        Objects.requireNonNull(timeoutAfter, "timeoutAfter");
        if (timeoutAfter.compareTo(MIN_TIMEOUT_EXCLUSIVE) <= 0 || timeoutAfter.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "timeoutAfter must be above 120 s and at most 7200 s (contract rule), was " + timeoutAfter.toSeconds() + " s");
        }
        if (timeoutAfter.toNanosPart() != 0) {
            throw new IllegalArgumentException("timeoutAfter is sent on chain in whole seconds, was " + timeoutAfter);
        }
        if (maxRewardMicroUsdc < MIN_REWARD_MICRO_USDC || maxRewardMicroUsdc > MAX_REWARD_MICRO_USDC) {
            throw new IllegalArgumentException(
                    "maxRewardMicroUsdc must be 1..5_000_000 (1 micro-unit to 5 USDC, contract rule), was " + maxRewardMicroUsdc);
        }
    }

    /** The production manager's defaults: a proving timeout of 4,800 s and a max reward of 4 USDC. */
    public static ProofRequestPolicy defaults() {
        return new ProofRequestPolicy(Duration.ofSeconds(4_800), 4_000_000L);
    }
}
