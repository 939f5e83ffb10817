package io.ethproofmanager.devkit.chain;

import java.util.Objects;

/** Where {@link ContractDeployer} put the contracts: TestUsdc, the ProofManager paying in it, and the TestVerifier. */
public record ContractDeployment(String usdcAddress, String proofManagerAddress, String verifierAddress) {

    public ContractDeployment {
        Objects.requireNonNull(usdcAddress, "usdcAddress");
        Objects.requireNonNull(proofManagerAddress, "proofManagerAddress");
        Objects.requireNonNull(verifierAddress, "verifierAddress");
    }
}
