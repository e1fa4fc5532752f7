package io.escrowstore;

import java.math.BigInteger;

/**
 * An authorization moved out of its channel, to be claimed on chain by the recipient with the
 * client's signature over {@code (channelId, nonce, amount)}.
 *
 * @param channelId the channel
 * @param nonce the nonce the amount was authorized for
 * @param amount the cumulative amount authorized
 * @param signature the client's signature over it
 */
public record Settlement(ChannelId channelId, BigInteger nonce, BigInteger amount, Signature signature) {
    /** @throws IllegalArgumentException naming the first field that is null or out of range */
    public Settlement {
        Checks.notNull(channelId, "channelId");
        Checks.uint256(nonce, "nonce");
        Checks.uint256(amount, "amount");
        Checks.notNull(signature, "signature");
    }
}
