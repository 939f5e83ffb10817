// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title USDC stand-in for local chains: 6 decimals, mintable by the deployer only.
contract TestUsdc is ERC20 {
    error OnlyMinterAllowed(address sender);

    /// @notice The deployer, the only account that may mint.
    address public immutable MINTER;

    constructor() ERC20("Test USD Coin", "USDC") {
        MINTER = msg.sender;
    }

    /// @notice Mints `amount` (6 decimals) to `to`.
    function mint(address to, uint256 amount) external {
        if (msg.sender != MINTER) revert OnlyMinterAllowed(msg.sender);
        _mint(to, amount);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
