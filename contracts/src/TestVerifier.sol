// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Proof verifier stand-in for local chains: accepts exactly the SNARK keccak256(abi.encode(publicInput)).
/// @dev The rule of ProofFormat.testVerifierSnark; production verifiers check a real SNARK against the same public input.
contract TestVerifier {
    /// @notice True exactly when `snark` is the 32 bytes keccak256(abi.encode(publicInput)).
    function verify(bytes32 publicInput, bytes calldata snark) external pure returns (bool) {
        return snark.length == 32 && bytes32(snark) == keccak256(abi.encode(publicInput));
    }
}
