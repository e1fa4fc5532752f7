package io.escrowstore;

import java.math.BigInteger;
import java.util.Optional;

/**
 * What the store knows of one payment channel. Immutable; every change produces a new value.
 *
 * @param channelId the channel
 * @param nonce the current nonce: the chain's, or the chain's + 1 while a settlement is in flight
 * @param sender the account that opened the channel
 * @param signer the account whose signature authorizes payments
 * @param recipient the account paid by the channel (the service's payment address)
 * @param groupId the replica group the channel pays
 * @param fullAmount the escrowed value, minus amounts moved into settlements
 * @param expiration the block number after which the sender may reclaim the channel
 * @param authorizedAmount the latest accepted cumulative amount for {@code nonce}; 0 after a nonce bump
 * @param signature the client's signature over {@code authorizedAmount}, absent while it is 0
 * @param revision the Raft log index of the last change of this channel; never decreases
 */
public record ChannelState(
        ChannelId channelId,
        BigInteger nonce,
        Address sender,
        Address signer,
        Address recipient,
        GroupId groupId,
        BigInteger fullAmount,
        BigInteger expiration,
        BigInteger authorizedAmount,
        Optional<Signature> signature,
        long revision) {

    /** @throws IllegalArgumentException naming the first field that is null or out of range */
    public ChannelState {
        Checks.notNull(channelId, "channelId");
        Checks.uint256(nonce, "nonce");
        Checks.notNull(sender, "sender");
        Checks.notNull(signer, "signer");
        Checks.notNull(recipient, "recipient");
        Checks.notNull(groupId, "groupId");
        Checks.uint256(fullAmount, "fullAmount");
        Checks.uint256(expiration, "expiration");
        Checks.uint256(authorizedAmount, "authorizedAmount");
        Checks.notNull(signature, "signature");
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0 but was " + revision);
        }
    }

    /** The state a channel has right after it was read from chain: nothing authorized yet. */
    public static ChannelState fromChain(ChainChannel chain, long revision) {
        return new ChannelState(chain.channelId(), chain.nonce(), chain.sender(), chain.signer(),
                chain.recipient(), chain.groupId(), chain.value(), chain.expiration(),
                BigInteger.ZERO, Optional.empty(), revision);
    }

    /** This state with a newly accepted cumulative amount for the current nonce. */
    public ChannelState withAuthorization(BigInteger amount, Signature by, long atRevision) {
        return new ChannelState(channelId, nonce, sender, signer, recipient, groupId, fullAmount,
                expiration, amount, Optional.of(by), atRevision);
    }

    /**
     * This state after its authorization moved into a settlement: nonce + 1, full amount minus the
     * authorized amount, nothing authorized.
     */
    public ChannelState afterSettlement(long atRevision) {
        return new ChannelState(channelId, nonce.add(BigInteger.ONE), sender, signer, recipient, groupId,
                fullAmount.subtract(authorizedAmount), expiration, BigInteger.ZERO, Optional.empty(), atRevision);
    }

    /** This state with the chain's escrowed value and expiration (same nonce, authorization kept). */
    public ChannelState withChainFunds(BigInteger value, BigInteger newExpiration, long atRevision) {
        return new ChannelState(channelId, nonce, sender, signer, recipient, groupId, value,
                newExpiration, authorizedAmount, signature, atRevision);
    }
}
