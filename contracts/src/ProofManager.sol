// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Proof Manager for local chains, tests and the demo.
/// @notice Same ABI and rules as the production proof manager of the proving-network integration:
///         the submitter hands batches to proving networks by round robin, the assigned network
///         acknowledges and proves within the deadlines, and a validated proof earns a USDC reward.
contract ProofManager is AccessControl {
    using SafeERC20 for IERC20;

    enum ProvingNetwork {
        None,
        Fermah,
        Lagrange
    }

    enum ProvingNetworkStatus {
        Active,
        Inactive
    }

    enum ProofRequestStatus {
        PendingAcknowledgement,
        Committed,
        Refused,
        Unacknowledged,
        Proven,
        TimedOut,
        Validated,
        ValidationFailed
    }

    struct ProofRequestIdentifier {
        uint256 chainId;
        uint256 blockNumber;
    }

    struct ProofRequestParams {
        uint32 protocolMajor;
        uint32 protocolMinor;
        uint32 protocolPatch;
        string proofInputsUrl;
        uint256 timeoutAfter;
        uint256 maxReward;
    }

    struct ProvingNetworkInfo {
        ProvingNetworkStatus status;
        address addr;
        uint256 owedReward;
    }

    struct ProofRequest {
        uint32 protocolMajor;
        uint32 protocolMinor;
        uint32 protocolPatch;
        ProofRequestStatus status;
        ProvingNetwork assignedTo;
        string proofInputsUrl;
        uint256 submittedAt;
        uint256 timeoutAfter;
        uint256 maxReward;
        uint256 requestedReward;
        bytes proof;
        uint256 requestId;
    }

    event ProofRequestSubmitted(
        uint256 indexed chainId,
        uint256 indexed blockNumber,
        ProvingNetwork indexed assignedTo,
        string proofInputsUrl,
        uint32 protocolMajor,
        uint32 protocolMinor,
        uint32 protocolPatch,
        uint256 timeoutAfter,
        uint256 maxReward,
        uint256 requestId
    );
    event ProofRequestAcknowledged(
        uint256 indexed chainId, uint256 indexed blockNumber, bool accepted, ProvingNetwork indexed assignedTo
    );
    event ProofRequestProven(
        uint256 indexed chainId,
        uint256 indexed blockNumber,
        bytes proof,
        ProvingNetwork assignedTo,
        uint256 requestedReward
    );
    event ProofValidationResult(
        uint256 indexed chainId, uint256 indexed blockNumber, bool isProofValid, ProvingNetwork indexed assignedTo
    );
    event RewardClaimed(ProvingNetwork indexed by, uint256 amount);
    event FundsWithdrawn(address indexed token, address indexed by, uint256 amount);
    event ProvingNetworkAddressUpdated(ProvingNetwork indexed provingNetwork, address addr);
    event ProvingNetworkStatusUpdated(ProvingNetwork indexed provingNetwork, ProvingNetworkStatus status);
    event PreferredProvingNetworkUpdated(ProvingNetwork indexed provingNetwork);

    error AddressCannotBeZero(string field);
    error DuplicatedProofRequest(uint256 chainId, uint256 blockNumber);
    error InvalidProofRequestTimeout();
    error MaxRewardOutOfBounds();
    error NoPaymentDue();
    error NoFundsAvailable();
    error OnlyProvingNetworkAllowed(address sender);
    error OnlyProvingNetworkAssigneeAllowed(address sender);
    error ProofRequestIsNotCommitted(ProofRequestStatus status);
    error ProofRequestIsNotPendingAcknowledgement(ProofRequestStatus status);
    error ProofRequestIsNotProven(ProofRequestStatus status);
    error ProofRequestAcknowledgementDeadlinePassed();
    error ProofRequestProvingDeadlinePassed();
    error EmptyProof();
    error ProvingNetworkCannotBeNone();

    /// @notice Role of the account that submits proof requests and validation results.
    bytes32 public constant SUBMITTER_ROLE = keccak256("SUBMITTER_ROLE");

    /// @notice Time the assigned network has to acknowledge a request, from its submission.
    uint256 public constant ACK_TIMEOUT = 2 minutes;
    /// @notice Upper bound of a request's proving timeout (the lower bound is ACK_TIMEOUT, exclusive).
    uint256 public constant MAX_PROOF_TIMEOUT = 2 hours;
    /// @notice Lower bound of a request's maximum reward: 1 unit of the token (0.000001 USDC, 6 decimals).
    uint256 public constant MIN_REWARD = 1;
    /// @notice Upper bound of a request's maximum reward: 5 USDC (6 decimals).
    uint256 public constant MAX_REWARD = 5_000_000;
    /// @notice How many in-flight requests a submission checks for expiry at most.
    uint256 public constant PURGE_LIMIT = 5;

    /// @notice The reward token (USDC, 6 decimals).
    IERC20 public immutable USDC;

    mapping(ProvingNetwork => ProvingNetworkInfo) private _networks;
    ProvingNetwork private _preferredNetwork;
    mapping(uint256 chainId => mapping(uint256 blockNumber => ProofRequest)) private _requests;

    /// @notice Number of requests submitted so far; drives the round robin and the request ids.
    uint256 public requestCounter;

    /// @dev Requests stored as PendingAcknowledgement or Committed, unordered, with 1-based positions.
    ProofRequestIdentifier[] private _inFlight;
    mapping(uint256 chainId => mapping(uint256 blockNumber => uint256 position)) private _inFlightPosition;
    uint256 private _purgeCursor;
    /// @dev Sum of the networks' owed rewards.
    uint256 private _totalOwed;
    /// @dev Sum of the requested rewards of Proven requests that wait for validation.
    uint256 private _totalProvenUnvalidated;

    modifier onlyProvingNetwork() {
        if (_networkOf(msg.sender) == ProvingNetwork.None) {
            revert OnlyProvingNetworkAllowed(msg.sender);
        }
        _;
    }

    /// @dev Only the request's assignee passes; anyone else, an account that is no proving network included, is refused
    ///      with OnlyProvingNetworkAssigneeAllowed(sender).
    modifier onlyAssignee(ProofRequestIdentifier calldata id) {
        ProvingNetwork assignee = _requests[id.chainId][id.blockNumber].assignedTo;
        if (assignee == ProvingNetwork.None || _networks[assignee].addr != msg.sender) {
            revert OnlyProvingNetworkAssigneeAllowed(msg.sender);
        }
        _;
    }

    modifier notNone(ProvingNetwork network) {
        if (network == ProvingNetwork.None) {
            revert ProvingNetworkCannotBeNone();
        }
        _;
    }

    constructor(address usdc, address admin, address submitter) {
        if (usdc == address(0)) revert AddressCannotBeZero("usdc");
        if (admin == address(0)) revert AddressCannotBeZero("admin");
        if (submitter == address(0)) revert AddressCannotBeZero("submitter");
        USDC = IERC20(usdc);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SUBMITTER_ROLE, submitter);
    }

    /*////////////////////////////// Submitter //////////////////////////////*/

    /// @notice Records a new proof request and assigns it by round robin.
    function submitProofRequest(ProofRequestIdentifier calldata id, ProofRequestParams calldata params)
        external
        onlyRole(SUBMITTER_ROLE)
    {
        ProofRequest storage request = _requests[id.chainId][id.blockNumber];
        if (request.submittedAt != 0) revert DuplicatedProofRequest(id.chainId, id.blockNumber);
        if (params.timeoutAfter <= ACK_TIMEOUT || params.timeoutAfter > MAX_PROOF_TIMEOUT) {
            revert InvalidProofRequestTimeout();
        }
        if (params.maxReward < MIN_REWARD || params.maxReward > MAX_REWARD) revert MaxRewardOutOfBounds();

        _purgeExpired();
        if (!_canFundOneMore()) revert NoFundsAvailable();

        uint256 requestId = requestCounter++;
        ProvingNetwork assignee = _assigneeFor(requestId);
        bool available = assignee != ProvingNetwork.None && _networks[assignee].status == ProvingNetworkStatus.Active;

        request.protocolMajor = params.protocolMajor;
        request.protocolMinor = params.protocolMinor;
        request.protocolPatch = params.protocolPatch;
        request.status = available ? ProofRequestStatus.PendingAcknowledgement : ProofRequestStatus.Refused;
        request.assignedTo = assignee;
        request.proofInputsUrl = params.proofInputsUrl;
        request.submittedAt = block.timestamp;
        request.timeoutAfter = params.timeoutAfter;
        request.maxReward = params.maxReward;
        request.requestId = requestId;
        if (available) _addInFlight(id);

        emit ProofRequestSubmitted(
            id.chainId,
            id.blockNumber,
            assignee,
            params.proofInputsUrl,
            params.protocolMajor,
            params.protocolMinor,
            params.protocolPatch,
            params.timeoutAfter,
            params.maxReward,
            requestId
        );
    }

    /// @notice Records the submitter's verdict on a proven request; a valid proof earns its requested reward.
    function submitProofValidationResult(ProofRequestIdentifier calldata id, bool isProofValid)
        external
        onlyRole(SUBMITTER_ROLE)
    {
        ProofRequest storage request = _requests[id.chainId][id.blockNumber];
        if (request.status != ProofRequestStatus.Proven) revert ProofRequestIsNotProven(request.status);

        _totalProvenUnvalidated -= request.requestedReward;
        if (isProofValid) {
            request.status = ProofRequestStatus.Validated;
            _networks[request.assignedTo].owedReward += request.requestedReward;
            _totalOwed += request.requestedReward;
        } else {
            request.status = ProofRequestStatus.ValidationFailed;
        }
        emit ProofValidationResult(id.chainId, id.blockNumber, isProofValid, request.assignedTo);
    }

    /*////////////////////////////// Proving networks //////////////////////////////*/

    /// @notice The assigned network accepts (Committed) or refuses (Refused) a pending request, inclusive deadline.
    function acknowledgeProofRequest(ProofRequestIdentifier calldata id, bool accept)
        external
        onlyAssignee(id)
    {
        ProofRequest storage request = _requests[id.chainId][id.blockNumber];
        if (request.status != ProofRequestStatus.PendingAcknowledgement) {
            revert ProofRequestIsNotPendingAcknowledgement(request.status);
        }
        if (block.timestamp > request.submittedAt + ACK_TIMEOUT) revert ProofRequestAcknowledgementDeadlinePassed();

        if (accept) {
            request.status = ProofRequestStatus.Committed;
        } else {
            request.status = ProofRequestStatus.Refused;
            _removeInFlight(id);
        }
        emit ProofRequestAcknowledged(id.chainId, id.blockNumber, accept, request.assignedTo);
    }

    /// @notice The assigned network delivers the proof of a committed request; the price is capped at maxReward.
    function submitProof(ProofRequestIdentifier calldata id, bytes calldata proof, uint256 provingNetworkPrice)
        external
        onlyAssignee(id)
    {
        ProofRequest storage request = _requests[id.chainId][id.blockNumber];
        if (request.status != ProofRequestStatus.Committed) revert ProofRequestIsNotCommitted(request.status);
        if (block.timestamp > request.submittedAt + request.timeoutAfter) revert ProofRequestProvingDeadlinePassed();
        if (proof.length == 0) revert EmptyProof();

        uint256 reward = provingNetworkPrice < request.maxReward ? provingNetworkPrice : request.maxReward;
        request.status = ProofRequestStatus.Proven;
        request.proof = proof;
        request.requestedReward = reward;
        _totalProvenUnvalidated += reward;
        _removeInFlight(id);
        emit ProofRequestProven(id.chainId, id.blockNumber, proof, request.assignedTo, reward);
    }

    /// @notice Pays the calling network everything it is owed (on a local chain: a plain USDC transfer).
    function claimReward() external onlyProvingNetwork {
        ProvingNetwork network = _networkOf(msg.sender);
        uint256 amount = _networks[network].owedReward;
        if (amount == 0) revert NoPaymentDue();

        _networks[network].owedReward = 0;
        _totalOwed -= amount;
        USDC.safeTransfer(msg.sender, amount);
        emit RewardClaimed(network, amount);
    }

    /*////////////////////////////// Views //////////////////////////////*/

    /// @notice The request; Unacknowledged and TimedOut are computed from block.timestamp (deadlines inclusive).
    function proofRequest(ProofRequestIdentifier calldata id) external view returns (ProofRequest memory) {
        ProofRequest memory request = _requests[id.chainId][id.blockNumber];
        if (request.submittedAt != 0) request.status = _currentStatus(request.status, request.submittedAt, request.timeoutAfter);
        return request;
    }

    /// @notice A network's status, address and owed reward.
    function provingNetworkInfo(ProvingNetwork network) external view returns (ProvingNetworkInfo memory) {
        return _networks[network];
    }

    /// @notice The network that gets two requests out of four.
    function preferredProvingNetwork() external view returns (ProvingNetwork) {
        return _preferredNetwork;
    }

    /*////////////////////////////// Admin //////////////////////////////*/

    /// @notice Sets a network's address (key rotation).
    function updateProvingNetworkAddress(ProvingNetwork network, address addr)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        notNone(network)
    {
        if (addr == address(0)) revert AddressCannotBeZero("provingNetworkAddress");
        _networks[network].addr = addr;
        emit ProvingNetworkAddressUpdated(network, addr);
    }

    /// @notice Activates or deactivates a network; an inactive assignee gets its requests refused at once.
    function updateProvingNetworkStatus(ProvingNetwork network, ProvingNetworkStatus status)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        notNone(network)
    {
        _networks[network].status = status;
        emit ProvingNetworkStatusUpdated(network, status);
    }

    /// @notice Sets the preferred network; None sends its share of the requests to fallback proving.
    function updatePreferredProvingNetwork(ProvingNetwork network) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _preferredNetwork = network;
        emit PreferredProvingNetworkUpdated(network);
    }

    /// @notice Sends tokens held by the contract to the calling admin.
    function withdraw(address token, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert AddressCannotBeZero("token");
        IERC20(token).safeTransfer(msg.sender, amount);
        emit FundsWithdrawn(token, msg.sender, amount);
    }

    /*////////////////////////////// Internals //////////////////////////////*/

    function _assigneeFor(uint256 counter) private view returns (ProvingNetwork) {
        uint256 slot = counter % 4;
        if (slot == 0) return ProvingNetwork.Fermah;
        if (slot == 1) return ProvingNetwork.Lagrange;
        return _preferredNetwork;
    }

    function _networkOf(address account) private view returns (ProvingNetwork) {
        if (account == address(0)) return ProvingNetwork.None;
        if (_networks[ProvingNetwork.Fermah].addr == account) return ProvingNetwork.Fermah;
        if (_networks[ProvingNetwork.Lagrange].addr == account) return ProvingNetwork.Lagrange;
        return ProvingNetwork.None;
    }

    function _currentStatus(ProofRequestStatus stored, uint256 submittedAt, uint256 timeoutAfter)
        private
        view
        returns (ProofRequestStatus)
    {
        if (stored == ProofRequestStatus.PendingAcknowledgement && block.timestamp > submittedAt + ACK_TIMEOUT) {
            return ProofRequestStatus.Unacknowledged;
        }
        if (stored == ProofRequestStatus.Committed && block.timestamp > submittedAt + timeoutAfter) {
            return ProofRequestStatus.TimedOut;
        }
        return stored;
    }

    /// @dev Balance less what is owed and what proven requests may still earn must cover MAX_REWARD
    ///      for every in-flight request plus a new one.
    function _canFundOneMore() private view returns (bool) {
        uint256 balance = USDC.balanceOf(address(this));
        uint256 reserved = _totalOwed + _totalProvenUnvalidated;
        if (balance < reserved) return false;
        return balance - reserved >= (_inFlight.length + 1) * MAX_REWARD;
    }

    /// @dev Stores Unacknowledged / TimedOut for up to PURGE_LIMIT expired in-flight requests.
    function _purgeExpired() private {
        uint256 checks = _inFlight.length < PURGE_LIMIT ? _inFlight.length : PURGE_LIMIT;
        for (uint256 i = 0; i < checks && _inFlight.length > 0; i++) {
            uint256 index = _purgeCursor % _inFlight.length;
            ProofRequestIdentifier memory id = _inFlight[index];
            ProofRequest storage request = _requests[id.chainId][id.blockNumber];
            ProofRequestStatus current = _currentStatus(request.status, request.submittedAt, request.timeoutAfter);
            if (current != request.status) {
                request.status = current;
                _removeInFlightAt(index);
            } else {
                _purgeCursor = index + 1;
            }
        }
    }

    function _addInFlight(ProofRequestIdentifier calldata id) private {
        _inFlight.push(id);
        _inFlightPosition[id.chainId][id.blockNumber] = _inFlight.length;
    }

    function _removeInFlight(ProofRequestIdentifier calldata id) private {
        uint256 position = _inFlightPosition[id.chainId][id.blockNumber];
        if (position != 0) _removeInFlightAt(position - 1);
    }

    function _removeInFlightAt(uint256 index) private {
        ProofRequestIdentifier memory removed = _inFlight[index];
        uint256 lastIndex = _inFlight.length - 1;
        if (index != lastIndex) {
            ProofRequestIdentifier memory last = _inFlight[lastIndex];
            _inFlight[index] = last;
            _inFlightPosition[last.chainId][last.blockNumber] = index + 1;
        }
        _inFlight.pop();
        delete _inFlightPosition[removed.chainId][removed.blockNumber];
    }
}
