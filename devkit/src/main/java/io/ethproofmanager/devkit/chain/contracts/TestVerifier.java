package io.ethproofmanager.devkit.chain.contracts;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import javax.annotation.processing.Generated;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tx.Contract;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * <p>Auto generated code.
 * <p><strong>Do not modify!</strong>
 * <p>Please use the <a href="https://docs.web3j.io/command_line.html">web3j command line tools</a>,
 * or the org.web3j.codegen.SolidityFunctionWrapperGenerator in the 
 * <a href="https://github.com/LFDT-web3j/web3j/tree/main/codegen">codegen module</a> to update.
 *
 * <p>Generated with web3j version 5.0.2.
 */
@SuppressWarnings("rawtypes")
@Generated("org.web3j.codegen.SolidityFunctionWrapperGenerator")
public class TestVerifier extends Contract {
    public static final String BINARY = "6080604052348015600e575f5ffd5b50610af18061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610029575f3560e01c8063b864f5a91461002d575b5f5ffd5b61004061003b3660046107c1565b610054565b604051901515815260200160405180910390f35b5f8061006260186001610841565b83036101715783835f81811061007a5761007a610854565b905060200201356001036100ee5760405162461bcd60e51b815260206004820152603060248201527f5465737456657269666965723a20504c4f4e4b2070726f6f667320617265206e60448201526f6f74207665726966696564206865726560801b60648201526084015b60405180910390fd5b83835f81811061010057610100610854565b905060200201355f1461012a85855f81811061011e5761011e610854565b90506020020135610611565b60405160200161013a919061087f565b604051602081830303815290604052906101675760405162461bcd60e51b81526004016100e591906108c4565b50600190506101bd565b6018831461017e84610611565b60405160200161018e91906108f9565b604051602081830303815290604052906101bb5760405162461bcd60e51b81526004016100e591906108c4565b505b6001851461021c5760405162461bcd60e51b815260206004820152602660248201527f5465737456657269666965723a2065786163746c79206f6e65207075626c6963604482015265081a5b9c1d5d60d21b60648201526084016100e5565b7f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f000000186865f81811061024f5761024f610854565b90506020020135106102b25760405162461bcd60e51b815260206004820152602660248201527f5465737456657269666965723a207075626c696320696e707574206e6f74206260448201526532b637bb903960d11b60648201526084016100e5565b5f5b60048110156103ef575f85856102cb846002610964565b6102d59086610841565b8181106102e4576102e4610854565b9050602002013590505f86868460026102fd9190610964565b6103079087610841565b610312906001610841565b81811061032157610321610854565b9050602002013590505f516020610a9c5f395f51905f528210801561035257505f516020610a9c5f395f51905f5281105b801561039e57505f516020610a9c5f395f51905f5260035f516020610a9c5f395f51905f52845f516020610a9c5f395f51905f5286870909085f516020610a9c5f395f51905f52828309145b6103a784610611565b6040516020016103b7919061097b565b604051602081830303815290604052906103e45760405162461bcd60e51b81526004016100e591906108c4565b5050506001016102b4565b505f6103fd60046002610964565b90505b61040c600160186109d0565b8110156104bd577f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f000000185856104408486610841565b81811061044f5761044f610854565b9050602002013510610477600460026104689190610964565b61047290846109d0565b610611565b60405160200161048791906109e3565b604051602081830303815290604052906104b45760405162461bcd60e51b81526004016100e591906108c4565b50600101610400565b5060408051601880825261032082019092525f91602082016103008036833701905050905086865f8181106104f4576104f4610854565b90506020020135815f8151811061050d5761050d610854565b60209081029190910101525f5b610526600160186109d0565b8110156105805785856105398386610841565b81811061054857610548610854565b905060200201358282600161055d9190610841565b8151811061056d5761056d610854565b602090810291909101015260010161051a565b507f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001816040516020016105b39190610a47565b604051602081830303815290604052805190602001205f1c6105d59190610a7c565b858560016105e4601887610841565b6105ee91906109d0565b8181106105fd576105fd610854565b905060200201351492505050949350505050565b60605f61061d836106a1565b60010190505f8167ffffffffffffffff81111561063c5761063c610a33565b6040519080825280601f01601f191660200182016040528015610666576020820181803683370190505b5090508181016020015b5f19016f181899199a1a9b1b9c1cb0b131b232b360811b600a86061a8153600a850494508461067057509392505050565b5f8072184f03e93ff9f4daa797ed6e38ed64bf6a1f0160401b83106106df5772184f03e93ff9f4daa797ed6e38ed64bf6a1f0160401b830492506040015b6d04ee2d6d415b85acef8100000000831061070b576d04ee2d6d415b85acef8100000000830492506020015b662386f26fc10000831061072957662386f26fc10000830492506010015b6305f5e1008310610741576305f5e100830492506008015b612710831061075557612710830492506004015b60648310610767576064830492506002015b600a8310610773576001015b92915050565b5f5f83601f840112610789575f5ffd5b50813567ffffffffffffffff8111156107a0575f5ffd5b6020830191508360208260051b85010111156107ba575f5ffd5b9250929050565b5f5f5f5f604085870312156107d4575f5ffd5b843567ffffffffffffffff8111156107ea575f5ffd5b6107f687828801610779565b909550935050602085013567ffffffffffffffff811115610815575f5ffd5b61082187828801610779565b95989497509550505050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156107735761077361082d565b634e487b7160e01b5f52603260045260245ffd5b5f81518060208401855e5f93019283525090919050565b7f5465737456657269666965723a20756e6b6e6f776e207665726966696572207481526303cb832960e51b60208201525f6108bd6024830184610868565b9392505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b7f5465737456657269666965723a20616e2046464c4f4e4b2070726f6f6620697381527f20323420776f726473202832352077697468207468652076657269666965722060208201526a03a3cb83294961033b7ba160ad1b60408201525f6108bd604b830184610868565b80820281158282048414176107735761077361082d565b7f5465737456657269666965723a20636f6d6d69746d656e74200000000000000081525f6109ac6019830184610868565b73206973206e6f74206f6e2074686520637572766560601b81526014019392505050565b818103818111156107735761077361082d565b7f5465737456657269666965723a206576616c756174696f6e200000000000000081525f610a146019830184610868565b6e1034b9903737ba103132b637bb903960891b8152600f019392505050565b634e487b7160e01b5f52604160045260245ffd5b81515f90829060208501835b82811015610a71578151845260209384019390910190600101610a53565b509195945050505050565b5f82610a9657634e487b7160e01b5f52601260045260245ffd5b50069056fe30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47a26469706673582212202a9d26ec488bc1a5fb1aa33e0b27a5b10af5256cec599ea2c985b8dcd4b5d2cd64736f6c63430008250033";

    private static String librariesLinkedBinary;

    public static final String FUNC_VERIFY = "verify";

    @Deprecated
    protected TestVerifier(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    protected TestVerifier(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, credentials, contractGasProvider);
    }

    @Deprecated
    protected TestVerifier(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    protected TestVerifier(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public RemoteFunctionCall<Boolean> verify(List<BigInteger> _publicInputs,
            List<BigInteger> _proof) {
        final Function function = new Function(FUNC_VERIFY, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(_publicInputs, org.web3j.abi.datatypes.generated.Uint256.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(_proof, org.web3j.abi.datatypes.generated.Uint256.class))), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Bool>() {}));
        return executeRemoteCallSingleValueReturn(function, Boolean.class);
    }

    @Deprecated
    public static TestVerifier load(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        return new TestVerifier(contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    @Deprecated
    public static TestVerifier load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        return new TestVerifier(contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    public static TestVerifier load(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        return new TestVerifier(contractAddress, web3j, credentials, contractGasProvider);
    }

    public static TestVerifier load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        return new TestVerifier(contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public static RemoteCall<TestVerifier> deploy(Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        return deployRemoteCall(TestVerifier.class, web3j, credentials, contractGasProvider, getDeploymentBinary(), "");
    }

    @Deprecated
    public static RemoteCall<TestVerifier> deploy(Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        return deployRemoteCall(TestVerifier.class, web3j, credentials, gasPrice, gasLimit, getDeploymentBinary(), "");
    }

    public static RemoteCall<TestVerifier> deploy(Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        return deployRemoteCall(TestVerifier.class, web3j, transactionManager, contractGasProvider, getDeploymentBinary(), "");
    }

    @Deprecated
    public static RemoteCall<TestVerifier> deploy(Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        return deployRemoteCall(TestVerifier.class, web3j, transactionManager, gasPrice, gasLimit, getDeploymentBinary(), "");
    }

    public static void linkLibraries(List<Contract.LinkReference> references) {
        librariesLinkedBinary = linkBinaryWithReferences(BINARY, references);
    }

    private static String getDeploymentBinary() {
        if (librariesLinkedBinary != null) {
            return librariesLinkedBinary;
        } else {
            return BINARY;
        }
    }
}
