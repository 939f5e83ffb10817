package io.ethproofmanager.connectors.chain.contracts;

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
    public static final String BINARY = "6080604052348015600e575f5ffd5b50610be78061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c8063258ae58214610038578063b864f5a91461005f575b5f5ffd5b61004b6100463660046107db565b610072565b604051901515815260200160405180910390f35b61004b61006d36600461089a565b6100b6565b5f6020821480156100ae575060408051602081018690520160408051601f1981840301815291905280516020909101206100ac8385610906565b145b949350505050565b5f806100c460186001610937565b83036101d35783835f8181106100dc576100dc61094a565b905060200201356001036101505760405162461bcd60e51b815260206004820152603060248201527f5465737456657269666965723a20504c4f4e4b2070726f6f667320617265206e60448201526f6f74207665726966696564206865726560801b60648201526084015b60405180910390fd5b83835f8181106101625761016261094a565b905060200201355f1461018c85855f8181106101805761018061094a565b90506020020135610673565b60405160200161019c9190610975565b604051602081830303815290604052906101c95760405162461bcd60e51b815260040161014791906109ba565b506001905061021f565b601883146101e084610673565b6040516020016101f091906109ef565b6040516020818303038152906040529061021d5760405162461bcd60e51b815260040161014791906109ba565b505b6001851461027e5760405162461bcd60e51b815260206004820152602660248201527f5465737456657269666965723a2065786163746c79206f6e65207075626c6963604482015265081a5b9c1d5d60d21b6064820152608401610147565b7f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f000000186865f8181106102b1576102b161094a565b90506020020135106103145760405162461bcd60e51b815260206004820152602660248201527f5465737456657269666965723a207075626c696320696e707574206e6f74206260448201526532b637bb903960d11b6064820152608401610147565b5f5b6004811015610451575f858561032d846002610a5a565b6103379086610937565b8181106103465761034661094a565b9050602002013590505f868684600261035f9190610a5a565b6103699087610937565b610374906001610937565b8181106103835761038361094a565b9050602002013590505f516020610b925f395f51905f52821080156103b457505f516020610b925f395f51905f5281105b801561040057505f516020610b925f395f51905f5260035f516020610b925f395f51905f52845f516020610b925f395f51905f5286870909085f516020610b925f395f51905f52828309145b61040984610673565b6040516020016104199190610a71565b604051602081830303815290604052906104465760405162461bcd60e51b815260040161014791906109ba565b505050600101610316565b505f61045f60046002610a5a565b90505b61046e60016018610ac6565b81101561051f577f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f000000185856104a28486610937565b8181106104b1576104b161094a565b90506020020135106104d9600460026104ca9190610a5a565b6104d49084610ac6565b610673565b6040516020016104e99190610ad9565b604051602081830303815290604052906105165760405162461bcd60e51b815260040161014791906109ba565b50600101610462565b5060408051601880825261032082019092525f91602082016103008036833701905050905086865f8181106105565761055661094a565b90506020020135815f8151811061056f5761056f61094a565b60209081029190910101525f5b61058860016018610ac6565b8110156105e257858561059b8386610937565b8181106105aa576105aa61094a565b90506020020135828260016105bf9190610937565b815181106105cf576105cf61094a565b602090810291909101015260010161057c565b507f30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001816040516020016106159190610b3d565b604051602081830303815290604052805190602001205f1c6106379190610b72565b85856001610646601887610937565b6106509190610ac6565b81811061065f5761065f61094a565b905060200201351492505050949350505050565b60605f61067f83610703565b60010190505f8167ffffffffffffffff81111561069e5761069e610b29565b6040519080825280601f01601f1916602001820160405280156106c8576020820181803683370190505b5090508181016020015b5f19016f181899199a1a9b1b9c1cb0b131b232b360811b600a86061a8153600a85049450846106d257509392505050565b5f8072184f03e93ff9f4daa797ed6e38ed64bf6a1f0160401b83106107415772184f03e93ff9f4daa797ed6e38ed64bf6a1f0160401b830492506040015b6d04ee2d6d415b85acef8100000000831061076d576d04ee2d6d415b85acef8100000000830492506020015b662386f26fc10000831061078b57662386f26fc10000830492506010015b6305f5e10083106107a3576305f5e100830492506008015b61271083106107b757612710830492506004015b606483106107c9576064830492506002015b600a83106107d5576001015b92915050565b5f5f5f604084860312156107ed575f5ffd5b83359250602084013567ffffffffffffffff81111561080a575f5ffd5b8401601f8101861361081a575f5ffd5b803567ffffffffffffffff811115610830575f5ffd5b866020828401011115610841575f5ffd5b939660209190910195509293505050565b5f5f83601f840112610862575f5ffd5b50813567ffffffffffffffff811115610879575f5ffd5b6020830191508360208260051b8501011115610893575f5ffd5b9250929050565b5f5f5f5f604085870312156108ad575f5ffd5b843567ffffffffffffffff8111156108c3575f5ffd5b6108cf87828801610852565b909550935050602085013567ffffffffffffffff8111156108ee575f5ffd5b6108fa87828801610852565b95989497509550505050565b803560208310156107d5575f19602084900360031b1b1692915050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156107d5576107d5610923565b634e487b7160e01b5f52603260045260245ffd5b5f81518060208401855e5f93019283525090919050565b7f5465737456657269666965723a20756e6b6e6f776e207665726966696572207481526303cb832960e51b60208201525f6109b3602483018461095e565b9392505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b7f5465737456657269666965723a20616e2046464c4f4e4b2070726f6f6620697381527f20323420776f726473202832352077697468207468652076657269666965722060208201526a03a3cb83294961033b7ba160ad1b60408201525f6109b3604b83018461095e565b80820281158282048414176107d5576107d5610923565b7f5465737456657269666965723a20636f6d6d69746d656e74200000000000000081525f610aa2601983018461095e565b73206973206e6f74206f6e2074686520637572766560601b81526014019392505050565b818103818111156107d5576107d5610923565b7f5465737456657269666965723a206576616c756174696f6e200000000000000081525f610b0a601983018461095e565b6e1034b9903737ba103132b637bb903960891b8152600f019392505050565b634e487b7160e01b5f52604160045260245ffd5b81515f90829060208501835b82811015610b67578151845260209384019390910190600101610b49565b509195945050505050565b5f82610b8c57634e487b7160e01b5f52601260045260245ffd5b50069056fe30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47a2646970667358221220cf015a53bf45b84d6884bebf7653804150c26c1b0403caf3840ce0ad6c29f2b864736f6c63430008250033";

    private static String librariesLinkedBinary;

    public static final String FUNC_verify = "verify";

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

    public RemoteFunctionCall<Boolean> verify(byte[] publicInput, byte[] snark) {
        final Function function = new Function(FUNC_verify, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(publicInput), 
                new org.web3j.abi.datatypes.DynamicBytes(snark)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Bool>() {}));
        return executeRemoteCallSingleValueReturn(function, Boolean.class);
    }

    public RemoteFunctionCall<Boolean> verify(List<BigInteger> _publicInputs,
            List<BigInteger> _proof) {
        final Function function = new Function(FUNC_verify, 
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
