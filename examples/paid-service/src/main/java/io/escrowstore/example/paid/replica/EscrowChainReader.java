package io.escrowstore.example.paid.replica;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.example.paid.chain.Ethereum;
import io.escrowstore.example.paid.chain.MultiPartyEscrow;
import java.math.BigInteger;
import java.util.Optional;

/** Reads channels from the MultiPartyEscrow contract and block numbers from its chain. */
public final class EscrowChainReader implements ChainReader {
    private final Ethereum chain;
    private final MultiPartyEscrow mpe;

    /** A reader of {@code mpe} on {@code chain}. */
    public EscrowChainReader(Ethereum chain, MultiPartyEscrow mpe) {
        this.chain = chain;
        this.mpe = mpe;
    }

    @Override
    public Optional<ChainChannel> channel(ChannelId id) {
        return mpe.channel(id);
    }

    @Override
    public BigInteger blockNumber() {
        return chain.blockNumber();
    }
}
