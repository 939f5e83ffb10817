package io.ethproofmanager.contract;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.AbiTypes;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** Decodes a contract's custom-error revert data by matching the 4-byte selector of each error's signature. */
@SuppressWarnings("rawtypes") // web3j's ABI decoding API speaks the raw Type
public final class ContractErrors {

    private static final int SELECTOR_HEX_LENGTH = 8;

    private final Map<String, CustomError> bySelector;

    private ContractErrors(final Map<String, CustomError> bySelector) {
        this.bySelector = Map.copyOf(bySelector);
    }

    /** The decoder of {@code errors}. */
    public static ContractErrors of(final Collection<CustomError> errors) {
        final Map<String, CustomError> bySelector = new LinkedHashMap<>();
        for (final CustomError error : errors) {
            final CustomError clash = bySelector.putIfAbsent(selector(error), error);
            if (clash != null) {
                throw new IllegalArgumentException("errors " + signature(clash) + " and " + signature(error) + " share selector " + selector(error));
            }
        }
        return new ContractErrors(bySelector);
    }

    /** The decoder of every custom error a generated web3j wrapper declares (its static {@code CustomError} fields). */
    public static ContractErrors declaredBy(final Class<?> wrapper) {
        return of(Arrays.stream(wrapper.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == CustomError.class)
                .map(ContractErrors::read)
                .toList());
    }

    /** The canonical signature, such as {@code DuplicatedProofRequest(uint256,uint256)}. */
    public static String signature(final CustomError error) {
        return error.getName() + error.getParameters().stream()
                .map(ContractErrors::abiTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** The 4-byte selector as {@code 0x} and 8 lower-case hex digits: the start of keccak256 of the signature. */
    public static String selector(final CustomError error) {
        return Hash.sha3String(signature(error)).substring(0, 2 + SELECTOR_HEX_LENGTH);
    }

    /** The known errors, by selector. */
    public Map<String, CustomError> errors() {
        return bySelector;
    }

    /** Decodes revert data ({@code 0x}, selector, ABI-encoded arguments); empty when absent, too short or unknown. */
    public Optional<Decoded> decode(final String revertData) {
        if (revertData == null) {
            return Optional.empty();
        }
        final String hex = Numeric.cleanHexPrefix(revertData.trim()).toLowerCase();
        if (hex.length() < SELECTOR_HEX_LENGTH) {
            return Optional.empty();
        }
        final CustomError error = bySelector.get("0x" + hex.substring(0, SELECTOR_HEX_LENGTH));
        if (error == null) {
            return Optional.empty();
        }
        final List<Type> arguments = FunctionReturnDecoder.decode(hex.substring(SELECTOR_HEX_LENGTH), parameters(error));
        return Optional.of(new Decoded(error, arguments));
    }

    private static String abiTypeName(final TypeReference<Type> parameter) {
        try {
            return AbiTypes.getTypeAString(parameter.getClassType());
        } catch (final ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown ABI type " + parameter.getType(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<TypeReference<Type>> parameters(final CustomError error) {
        return (List) error.getParameters();
    }

    private static CustomError read(final Field field) {
        try {
            return (CustomError) field.get(null);
        } catch (final IllegalAccessException e) {
            throw new IllegalArgumentException("cannot read custom error " + field, e);
        }
    }

    /** A decoded custom error: which error, and its arguments in declaration order. */
    public record Decoded(CustomError error, List<Type> arguments) {

        public Decoded {
            Objects.requireNonNull(error, "error");
            arguments = List.copyOf(arguments);
        }

        public String name() {
            return error.getName();
        }

        public String signature() {
            return ContractErrors.signature(error);
        }

        /** Whether this is {@code other} (same signature). */
        public boolean is(final CustomError other) {
            return signature().equals(ContractErrors.signature(other));
        }

        /** The value of argument {@code index} ({@code BigInteger}, {@code String}, {@code Boolean}, ...). */
        public Object argument(final int index) {
            return arguments.get(index).getValue();
        }

        @Override
        public String toString() {
            return name() + arguments.stream().map(argument -> String.valueOf(argument.getValue()))
                    .collect(Collectors.joining(", ", "(", ")"));
        }
    }
}
