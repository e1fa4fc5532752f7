package io.escrowstore.example.paid.replica;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import java.math.BigInteger;
import java.util.Optional;

/** What a replica reads from chain: a channel as the escrow contract stores it, and the latest block number. */
public interface ChainReader {

    /** The channel as the contract stores it now; empty if it was never opened. */
    Optional<ChainChannel> channel(ChannelId id);

    /** The number of the latest block. */
    BigInteger blockNumber();
}
