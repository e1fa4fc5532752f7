package io.escrowstore.example.paid.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A JSON-RPC connection to an Ethereum node, with the few things the example does on chain: read
 * the block number, call a view function, and send a signed transaction and wait until it is mined.
 * Chain failures are unchecked ({@link UncheckedIOException}, {@link ChainException}).
 */
public final class Ethereum implements AutoCloseable {
    /** The local chain's id (ganache's default). */
    public static final long CHAIN_ID = 1337;
    private static final BigInteger GAS_PRICE = BigInteger.valueOf(20_000_000_000L);
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(6_000_000);

    private final Web3j web3j;

    private Ethereum(Web3j web3j) {
        this.web3j = web3j;
    }

    /** Connects to the JSON-RPC endpoint at {@code url}; nothing is sent yet. */
    public static Ethereum connect(String url) {
        return new Ethereum(Web3j.build(new HttpService(url)));
    }

    /** True if the node answers a chain-id request with the local chain's id. */
    public boolean answers() {
        try {
            return web3j.ethChainId().send().getChainId().longValue() == CHAIN_ID;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The number of the latest block. */
    public BigInteger blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls a view function of the contract at {@code to} on the latest block and decodes what it returns. */
    @SuppressWarnings("rawtypes")
    public List<Type> call(String to, Function function) {
        String data = FunctionEncoder.encode(function);
        try {
            EthCall result = web3j.ethCall(Transaction.createEthCallTransaction(null, to, data),
                    DefaultBlockParameterName.LATEST).send();
            if (result.hasError() || result.isReverted()) {
                throw new ChainException(function.getName() + " reverted: " + result.getRevertReason());
            }
            return FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code function} to the contract at {@code to}, signed by {@code from}, and waits until it is mined. */
    public TransactionReceipt send(ECKeyPair from, String to, Function function) {
        return sendData(from, to, FunctionEncoder.encode(function));
    }

    /** Deploys {@code bytecode} followed by the ABI-encoded constructor arguments; returns the contract's address. */
    public String deploy(ECKeyPair from, String bytecode, String encodedConstructor) {
        TransactionReceipt receipt = sendData(from, null, bytecode + encodedConstructor);
        return receipt.getContractAddress();
    }

    private TransactionReceipt sendData(ECKeyPair from, String to, String data) {
        RawTransactionManager manager = new RawTransactionManager(web3j, Credentials.create(from), CHAIN_ID);
        try {
            EthSendTransaction sent = manager.sendTransaction(GAS_PRICE, GAS_LIMIT, to, data, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new ChainException("transaction refused: " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = new PollingTransactionReceiptProcessor(web3j, 50, 200)
                    .waitForTransactionReceipt(sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new ChainException("transaction " + receipt.getTransactionHash() + " reverted: "
                        + receipt.getRevertReason());
            }
            return receipt;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TransactionException e) {
            throw new ChainException("transaction not mined: " + e.getMessage());
        }
    }

    /** A type reference for decoding, without the generics noise at call sites. */
    public static <T extends Type<?>> TypeReference<T> ref(Class<T> type) {
        return TypeReference.create(type);
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
