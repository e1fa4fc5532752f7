package io.escrowstore.raft.internal.ledger;

import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RequestId;
import io.escrowstore.Signature;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Channels, payments and leader stamps for the microbenchmarks (what the testkit's TestChannels makes). */
public final class BenchData {
    static final GroupId GROUP = new GroupId(filled(GroupId.LENGTH, (byte) 0x5a));
    static final long DEPOSIT = 1_000_000_000_000_000L;
    public static final long PRICE = 10;
    static final BigInteger PRICE_BIG = BigInteger.valueOf(PRICE);
    private static final Address SENDER = Address.fromHex("0x1111111111111111111111111111111111111111");
    private static final Address SIGNER = Address.fromHex("0x2222222222222222222222222222222222222222");
    private static final Address RECIPIENT = Address.fromHex("0x3333333333333333333333333333333333333333");

    private BenchData() {
    }

    static ChainChannel opened(long channelId) {
        return new ChainChannel(ChannelId.of(channelId), BigInteger.ZERO, SENDER, SIGNER, RECIPIENT, GROUP,
                BigInteger.valueOf(DEPOSIT), BigInteger.valueOf(100_000_000));
    }

    static Signature signature(long channelId, long amount) {
        ByteBuffer buffer = ByteBuffer.allocate(Signature.LENGTH);
        buffer.putLong(channelId).putLong(0).putLong(amount);
        buffer.put(Signature.LENGTH - 1, (byte) 27);
        return new Signature(buffer.array());
    }

    /** The claim raising {@code channelId}'s authorized amount to {@code amount}. */
    public static ClaimRequest claim(long channelId, long amount, String requestId) {
        return ClaimRequest.of(new Payment(ChannelId.of(channelId), BigInteger.ZERO, BigInteger.valueOf(amount),
                signature(channelId, amount)), PRICE_BIG, new RequestId(requestId));
    }

    /** The stamp a leader with the default settings (200,000 outcomes, 10 min) puts on an entry. */
    public static EntryStamp stamp(long leaderTimeMillis, int dedupMaxEntries) {
        return EntryStamp.newBuilder()
                .setLeaderTimeMillis(leaderTimeMillis)
                .setDedupMaxEntries(dedupMaxEntries)
                .setDedupRetentionMillis(600_000)
                .build();
    }

    /** A ledger with channels 1..count synced from chain (authorized amount 0). */
    public static ChannelLedger ledger(int count) {
        ChannelLedger ledger = new ChannelLedger(GROUP);
        for (int i = 1; i <= count; i++) {
            ledger.sync(opened(i), i);
        }
        return ledger;
    }

    private static byte[] filled(int n, byte b) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, b);
        return bytes;
    }
}
