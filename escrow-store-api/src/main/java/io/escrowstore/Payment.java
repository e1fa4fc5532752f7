package io.escrowstore;

import java.math.BigInteger;

/**
 * A payment as a client sends it with a paid call.
 *
 * @param channelId the channel paid from
 * @param nonce the channel nonce the client signed for
 * @param amount the cumulative amount authorized for {@code (channelId, nonce)}, this call included
 * @param signature the client's signature over {@code (channelId, nonce, amount)}; the replica
 *     verifies it before it asks the store, the store only keeps it
 */
public record Payment(ChannelId channelId, BigInteger nonce, BigInteger amount, Signature signature) {

    /** @throws IllegalArgumentException naming the first field that is null or out of range */
    public Payment {
        Checks.notNull(channelId, "channelId");
        Checks.uint256(nonce, "nonce");
        Checks.uint256(amount, "amount");
        Checks.notNull(signature, "signature");
    }
}
