package io.escrowstore;

import java.math.BigInteger;

/**
 * A channel as the replica read it from the MultiPartyEscrow contract.
 *
 * @param channelId the channel
 * @param nonce the on-chain nonce
 * @param sender the account that opened the channel
 * @param signer the account whose signature authorizes payments
 * @param recipient the account the channel pays
 * @param groupId the replica group the channel pays
 * @param value the escrowed value on chain
 * @param expiration the expiration block number
 */
public record ChainChannel(
        ChannelId channelId,
        BigInteger nonce,
        Address sender,
        Address signer,
        Address recipient,
        GroupId groupId,
        BigInteger value,
        BigInteger expiration) {

    /** @throws IllegalArgumentException naming the first field that is null or out of range */
    public ChainChannel {
        Checks.notNull(channelId, "channelId");
        Checks.uint256(nonce, "nonce");
        Checks.notNull(sender, "sender");
        Checks.notNull(signer, "signer");
        Checks.notNull(recipient, "recipient");
        Checks.notNull(groupId, "groupId");
        Checks.uint256(value, "value");
        Checks.uint256(expiration, "expiration");
    }
}
