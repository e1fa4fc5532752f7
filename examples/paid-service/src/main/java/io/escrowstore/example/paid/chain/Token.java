package io.escrowstore.example.paid.chain;

import io.escrowstore.Address;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.ECKeyPair;

/** The ERC-20 token the escrow holds (SingularityNetToken): the calls the example needs. */
public final class Token {
    private final Ethereum chain;
    private final Address address;

    Token(Ethereum chain, Address address) {
        this.chain = chain;
        this.address = address;
    }

    /** The contract's address. */
    public Address address() {
        return address;
    }

    /** Mints {@code amount} to {@code to}; {@code minter} must hold the minter role (the deployer does). */
    public void mint(ECKeyPair minter, Address to, BigInteger amount) {
        chain.send(minter, address.toHex(), new Function("mint",
                List.of(new org.web3j.abi.datatypes.Address(to.toHex()), new Uint256(amount)), List.of()));
    }

    /** Lets {@code spender} take up to {@code amount} of {@code owner}'s tokens. */
    public void approve(ECKeyPair owner, Address spender, BigInteger amount) {
        chain.send(owner, address.toHex(), new Function("approve",
                List.of(new org.web3j.abi.datatypes.Address(spender.toHex()), new Uint256(amount)), List.of()));
    }
}
