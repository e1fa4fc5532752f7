package io.escrowstore.example.paid.chain;

import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.GroupId;
import io.escrowstore.Settlement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The MultiPartyEscrow contract: what a client, a replica and a treasurer do with it. Every method
 * is one call or one mined transaction.
 */
public final class MultiPartyEscrow {
    private static final Event CHANNEL_OPEN = new Event("ChannelOpen", List.of(
            Ethereum.ref(Uint256.class), Ethereum.ref(Uint256.class),
            new TypeReference<org.web3j.abi.datatypes.Address>(true) { },
            Ethereum.ref(org.web3j.abi.datatypes.Address.class),
            new TypeReference<org.web3j.abi.datatypes.Address>(true) { },
            new TypeReference<Bytes32>(true) { },
            Ethereum.ref(Uint256.class), Ethereum.ref(Uint256.class)));

    private final Ethereum chain;
    private final Address address;

    /** The contract at {@code address} on {@code chain}. */
    public MultiPartyEscrow(Ethereum chain, Address address) {
        this.chain = chain;
        this.address = address;
    }

    /** The contract's address: part of every signed claim message. */
    public Address address() {
        return address;
    }

    /** Moves {@code value} tokens of {@code sender} into its escrow balance (approve the escrow first). */
    public void deposit(ECKeyPair sender, BigInteger value) {
        chain.send(sender, address.toHex(), new Function("deposit", List.of(new Uint256(value)), List.of()));
    }

    /**
     * Opens a channel from {@code sender}'s escrow balance to {@code recipient}'s replica group.
     *
     * @return the new channel's id, from the contract's {@code ChannelOpen} event
     */
    public ChannelId openChannel(ECKeyPair sender, Address signer, Address recipient, GroupId group, BigInteger value,
            BigInteger expiration) {
        TransactionReceipt receipt = chain.send(sender, address.toHex(), new Function("openChannel", List.of(
                new org.web3j.abi.datatypes.Address(signer.toHex()),
                new org.web3j.abi.datatypes.Address(recipient.toHex()), new Bytes32(group.bytes()),
                new Uint256(value), new Uint256(expiration)), List.of()));
        String topic = EventEncoder.encode(CHANNEL_OPEN);
        for (Log log : receipt.getLogs()) {
            if (!log.getTopics().isEmpty() && log.getTopics().get(0).equals(topic)) {
                @SuppressWarnings("rawtypes")
                List<Type> fields = FunctionReturnDecoder.decode(log.getData(), CHANNEL_OPEN.getNonIndexedParameters());
                return new ChannelId((BigInteger) fields.get(0).getValue());
            }
        }
        throw new ChainException("openChannel mined without a ChannelOpen event");
    }

    /** The channel as the contract stores it; empty if it was never opened (its sender is the zero address). */
    @SuppressWarnings("rawtypes")
    public Optional<ChainChannel> channel(ChannelId id) {
        List<Type> f = chain.call(address.toHex(), new Function("channels", List.of(new Uint256(id.value())),
                List.of(Ethereum.ref(Uint256.class), Ethereum.ref(org.web3j.abi.datatypes.Address.class),
                        Ethereum.ref(org.web3j.abi.datatypes.Address.class),
                        Ethereum.ref(org.web3j.abi.datatypes.Address.class), Ethereum.ref(Bytes32.class),
                        Ethereum.ref(Uint256.class), Ethereum.ref(Uint256.class))));
        Address sender = Address.fromHex((String) f.get(1).getValue());
        if (sender.equals(new Address(new byte[Address.LENGTH]))) {
            return Optional.empty();
        }
        return Optional.of(new ChainChannel(id, (BigInteger) f.get(0).getValue(), sender,
                Address.fromHex((String) f.get(2).getValue()), Address.fromHex((String) f.get(3).getValue()),
                new GroupId((byte[]) f.get(4).getValue()), (BigInteger) f.get(5).getValue(),
                (BigInteger) f.get(6).getValue()));
    }

    /** The escrow balance of {@code account}: deposited or claimed tokens not in any channel. */
    @SuppressWarnings("rawtypes")
    public BigInteger balance(Address account) {
        List<Type> f = chain.call(address.toHex(), new Function("balances",
                List.of(new org.web3j.abi.datatypes.Address(account.toHex())), List.of(Ethereum.ref(Uint256.class))));
        return (BigInteger) f.get(0).getValue();
    }

    /**
     * Claims the settlements on chain in one {@code multiChannelClaim} transaction sent by the
     * channels' recipient, each for its full signed amount, channels kept open (the nonce moves
     * up by one, the rest of the value stays escrowed).
     */
    public TransactionReceipt multiChannelClaim(ECKeyPair recipient, List<Settlement> settlements) {
        List<Uint256> ids = new ArrayList<>();
        List<Uint256> amounts = new ArrayList<>();
        List<Bool> sendbacks = new ArrayList<>();
        List<Uint8> vs = new ArrayList<>();
        List<Bytes32> rs = new ArrayList<>();
        List<Bytes32> ss = new ArrayList<>();
        for (Settlement s : settlements) {
            byte[] sig = s.signature().bytes();
            ids.add(new Uint256(s.channelId().value()));
            amounts.add(new Uint256(s.amount()));
            sendbacks.add(new Bool(false));
            vs.add(new Uint8(sig[64] & 0xff));
            rs.add(new Bytes32(Arrays.copyOfRange(sig, 0, 32)));
            ss.add(new Bytes32(Arrays.copyOfRange(sig, 32, 64)));
        }
        return chain.send(recipient, address.toHex(), new Function("multiChannelClaim", List.of(
                new DynamicArray<>(Uint256.class, ids), new DynamicArray<>(Uint256.class, amounts),
                new DynamicArray<>(Uint256.class, amounts), new DynamicArray<>(Bool.class, sendbacks),
                new DynamicArray<>(Uint8.class, vs), new DynamicArray<>(Bytes32.class, rs),
                new DynamicArray<>(Bytes32.class, ss)), List.of()));
    }
}
