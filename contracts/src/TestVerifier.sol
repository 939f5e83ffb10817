// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title The rollup's L1 verifier interface (zksync-era IVerifier).
interface IVerifier {
    /// @notice Whether `_proof` proves `_publicInputs`; invalid proofs usually revert.
    function verify(uint256[] calldata _publicInputs, uint256[] calldata _proof) external view returns (bool);
}

/// @title Proof verifier stand-in for local chains, with the rollup's IVerifier interface and a rule of its own.
/// @notice It takes an FFLONK proof as the rollup's verifier does: 24 words (4 commitments as x, y pairs, 15
///         evaluations, the product of the 18 Lagrange basis inverses), or 25 behind a dual verifier, whose first word
///         is the verifier type (0 = FFLONK; 1 = PLONK, which this stand-in does not verify). Its rule over those words,
///         in place of a pairing check:
///         - exactly one public input, below the scalar field order r;
///         - every commitment (x, y) on BN254's G1: x, y < p and y^2 = x^3 + 3 (mod p);
///         - every evaluation below r;
///         - the last word equals uint256(keccak256(abi.encodePacked(publicInputs, the first 23 words))) mod r.
///         A proof that breaks one of the first three reverts with the reason; one whose last word does not match
///         returns false (as a failed final check). io.ethproofmanager.connectors.proof.TestVerifierProofs builds proofs
///         this rule accepts.
contract TestVerifier is IVerifier {
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant FFLONK_WORDS = 24;
    uint256 internal constant COMMITMENTS = 4;

    /// @inheritdoc IVerifier
    function verify(uint256[] calldata _publicInputs, uint256[] calldata _proof) external pure returns (bool) {
        uint256 offset = 0;
        if (_proof.length == FFLONK_WORDS + 1) {
            require(_proof[0] != 1, "TestVerifier: PLONK proofs are not verified here");
            require(_proof[0] == 0, string.concat("TestVerifier: unknown verifier type ", Strings.toString(_proof[0])));
            offset = 1;
        } else {
            require(_proof.length == FFLONK_WORDS, string.concat("TestVerifier: an FFLONK proof is 24 words (25 with the"
                " verifier type), got ", Strings.toString(_proof.length)));
        }
        require(_publicInputs.length == 1, "TestVerifier: exactly one public input");
        require(_publicInputs[0] < R, "TestVerifier: public input not below r");
        for (uint256 i = 0; i < COMMITMENTS; i++) {
            uint256 x = _proof[offset + 2 * i];
            uint256 y = _proof[offset + 2 * i + 1];
            require(x < P && y < P && mulmod(y, y, P) == addmod(mulmod(mulmod(x, x, P), x, P), 3, P),
                string.concat("TestVerifier: commitment ", Strings.toString(i), " is not on the curve"));
        }
        for (uint256 i = 2 * COMMITMENTS; i < FFLONK_WORDS - 1; i++) {
            require(_proof[offset + i] < R,
                string.concat("TestVerifier: evaluation ", Strings.toString(i - 2 * COMMITMENTS), " is not below r"));
        }
        uint256[] memory hashed = new uint256[](FFLONK_WORDS);
        hashed[0] = _publicInputs[0];
        for (uint256 i = 0; i < FFLONK_WORDS - 1; i++) {
            hashed[i + 1] = _proof[offset + i];
        }
        return _proof[offset + FFLONK_WORDS - 1] == uint256(keccak256(abi.encodePacked(hashed))) % R;
    }
}
