package io.escrowstore.example.paid.story;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.GroupId;
import io.escrowstore.example.paid.chain.Contracts;
import io.escrowstore.example.paid.chain.Ethereum;
import io.escrowstore.example.paid.payment.ClaimMessage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.ECKeyPair;

/**
 * What a client does on chain before its first paid call: the token's minter gives it tokens, it
 * approves the escrow to take them, deposits them, and opens channels to the service's recipient
 * and replica group, each with its value and an expiration block.
 */
final class ChannelOpening {
    private ChannelOpening() {
    }

    /** Opens {@code count} channels of {@code value} each from {@code sender}, paying {@code recipient}'s {@code group}. */
    static List<ChannelId> open(Ethereum chain, Contracts.Deployed contracts, ECKeyPair minter, ECKeyPair sender,
            Address signer, Address recipient, GroupId group, BigInteger value, BigInteger lifetimeBlocks, int count) {
        BigInteger total = value.multiply(BigInteger.valueOf(count));
        Address senderAccount = ClaimMessage.addressOf(sender);
        contracts.token().mint(minter, senderAccount, total);
        contracts.token().approve(sender, contracts.mpe().address(), total);
        contracts.mpe().deposit(sender, total);
        BigInteger expiration = chain.blockNumber().add(lifetimeBlocks);
        List<ChannelId> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(contracts.mpe().openChannel(sender, signer, recipient, group, value, expiration));
        }
        return opened;
    }
}
