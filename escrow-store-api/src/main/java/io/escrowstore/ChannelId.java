package io.escrowstore;

import java.math.BigInteger;

/**
 * The on-chain id of a MultiPartyEscrow payment channel: a uint256, never reused on chain.
 *
 * @param value the id, {@code 0 <= value < 2^256}
 */
public record ChannelId(BigInteger value) implements Comparable<ChannelId> {

    /** @throws IllegalArgumentException if {@code value} is null, negative or not below 2^256 */
    public ChannelId {
        Checks.uint256(value, "channelId");
    }

    /** Shorthand for {@code new ChannelId(BigInteger.valueOf(value))}. */
    public static ChannelId of(long value) {
        return new ChannelId(BigInteger.valueOf(value));
    }

    @Override
    public int compareTo(ChannelId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return "channel " + value;
    }
}
