package io.escrowstore.testkit;

import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.PaymentStore;
import io.escrowstore.Signature;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Channels and payments for tests. Signatures are deterministic filler bytes derived from
 * {@code (channel, nonce, amount)}: the store keeps signatures but never verifies them.
 */
public final class TestChannels {
    private static final Address SENDER = Address.fromHex("0x1111111111111111111111111111111111111111");
    private static final Address SIGNER = Address.fromHex("0x2222222222222222222222222222222222222222");
    private static final Address RECIPIENT = Address.fromHex("0x3333333333333333333333333333333333333333");

    private TestChannels() {
    }

    /** A random 32-byte group id. */
    public static GroupId randomGroupId() {
        byte[] bytes = new byte[GroupId.LENGTH];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new GroupId(bytes);
    }

    /** A freshly opened channel of {@code group}: nonce 0, {@code value} escrowed, far expiration. */
    public static ChainChannel opened(GroupId group, long channelId, long value) {
        return onChain(group, channelId, 0, value);
    }

    /**
     * Syncs freshly opened channels {@code ids} of {@code group} into {@code store}, each with
     * {@code deposit} escrowed.
     *
     * @throws AssertionError if the store does not answer {@code Synced} for one of them
     */
    public static void openAll(PaymentStore store, GroupId group, long deposit, long... ids) {
        for (long id : ids) {
            SyncResult result = store.syncFromChain(opened(group, id, deposit));
            if (!(result instanceof Synced)) {
                throw new AssertionError("opening channel " + id + " answered " + result);
            }
        }
    }

    /** A channel as the chain shows it at {@code nonce}. */
    public static ChainChannel onChain(GroupId group, long channelId, long nonce, long value) {
        return new ChainChannel(ChannelId.of(channelId), BigInteger.valueOf(nonce), SENDER, SIGNER, RECIPIENT, group,
                BigInteger.valueOf(value), BigInteger.valueOf(100_000_000));
    }

    /** The payment authorizing a cumulative {@code amount} at {@code nonce}. */
    public static Payment payment(long channelId, long nonce, long amount) {
        return new Payment(ChannelId.of(channelId), BigInteger.valueOf(nonce), BigInteger.valueOf(amount),
                signature(channelId, nonce, amount));
    }

    /** A claim of {@code payment(channelId, nonce, amount)} at {@code price}, with a fresh request id. */
    public static ClaimRequest claim(long channelId, long nonce, long amount, long price) {
        return ClaimRequest.of(payment(channelId, nonce, amount), BigInteger.valueOf(price));
    }

    /** Deterministic 65 filler bytes for {@code (channel, nonce, amount)}. */
    public static Signature signature(long channelId, long nonce, long amount) {
        ByteBuffer buffer = ByteBuffer.allocate(Signature.LENGTH);
        buffer.putLong(channelId).putLong(nonce).putLong(amount);
        buffer.put(Signature.LENGTH - 1, (byte) 27);
        return new Signature(buffer.array());
    }
}
