package anchors.escrowstore;

import anchors.common.ChannelRecord;
import anchors.common.Driver;
import anchors.common.Store;
import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.Payment;
import io.escrowstore.ReadConsistency;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Signature;
import io.escrowstore.Synced;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * escrow-store adapter for the anchors driver (kept in escrow-store's repository, built next to
 * the anchors by {@code scripts/bench-anchors.sh}): three {@link RaftPaymentStore} nodes in this
 * JVM, exactly as three replicas would embed them (one Raft group, jraft's RocksDB log with fsync
 * and fsynced term/vote, every default setting), talking over bolt on 127.0.0.1. A session is one
 * node: a claim made on a follower is forwarded to the leader by the library, one made on the
 * leader is proposed locally.
 *
 * <ul>
 *   <li>key {@code chan/NNNN} = channel {@code NNNN + 1}, synced from "chain" with nonce 0 and a
 *       deposit no run can exhaust ({@link #preload});</li>
 *   <li>read = {@code channel(id)}: linearizable (read-index through the leader, then the node's
 *       own table);</li>
 *   <li>CAS = {@code claim()} of the payment the driver's next record describes: cumulative amount
 *       = the new record's amount, price = new amount - expected amount. The store accepts it only
 *       if the channel's authorized amount still equals the expected amount (the claim rule: amount must
 *       be authorized + price), and amounts only grow, so this is a compare-and-swap on the
 *       authorized amount. {@code Rejected(ALREADY_CLAIMED | INCREMENT_MISMATCH)} is a failed
 *       compare, and carries the channel as stored, which blind mode uses as the refreshed version
 *       in the same round trip (as etcd's Txn else-branch); any other rejection is an error;</li>
 *   <li>the driver's record nonce (claims accepted so far on the channel, the "version") travels
 *       in the payment's signature bytes, which the store keeps verbatim; the record is rebuilt
 *       from (channel, that nonce, authorized amount) on every read. The audit therefore sums the
 *       claims the store really accepted.</li>
 * </ul>
 * <p>{@code -Descrowstore.bench.localReads=true} (off by default) makes every read
 * {@code ReadConsistency.LOCAL}: the node's own table, possibly stale, at no Raft cost. That is
 * not a valid configuration for this workload (a stale read makes the CAS fail, never succeed
 * twice, but the read is no longer linearizable); it measures an upper bound, what claim mode
 * would reach if reads cost nothing. {@link #name()} says so in every row it produces.
 * <p>{@code -Descrowstore.bench.floor=true} (off by default) runs the three nodes with the
 * test-only engine floor: each claim is answered as accepted without being applied (no dedup, no
 * ledger change), while transport, batching, forwarding, replication and fsync stay as they are.
 * It measures the engine alone, so the store holds no claim and the driver's audit cannot pass;
 * {@link #name()} starts with {@code escrowstore-floor} in every row it produces.
 *
 * Usage: EscrowStoreBench --data DIR [--ports 18191,18192,18193] [Driver options]
 */
public final class EscrowStoreBench implements Store {
    private static final GroupId GROUP = GroupId.fromHex("0x" + "ab".repeat(32));
    /** Escrowed value of every channel: far above what 10^15-bounded record amounts can reach. */
    private static final BigInteger DEPOSIT = BigInteger.TEN.pow(18);
    private static final Address SENDER = Address.fromHex("0x" + "11".repeat(20));
    private static final Address SIGNER = Address.fromHex("0x" + "22".repeat(20));
    private static final Address RECIPIENT = Address.fromHex("0x" + "33".repeat(20));
    private static final boolean LOCAL_READS = Boolean.getBoolean("escrowstore.bench.localReads");
    private static final boolean FLOOR = Boolean.getBoolean("escrowstore.bench.floor");
    private final List<RaftPaymentStore> nodes = new ArrayList<>();

    EscrowStoreBench(String dataDir, int[] ports) {
        List<Member> members = Arrays.stream(ports).mapToObj(p -> new Member("127.0.0.1", p)).toList();
        try {
            for (int i = 0; i < ports.length; i++) {
                nodes.add(RaftPaymentStore.open(UnsafeSwitches.on(RaftStoreConfig.builder(),
                                FLOOR ? UnsafeSwitches.NONE.withEngineFloor() : UnsafeSwitches.NONE)
                        .unsafePlaintext()
                        .groupId(GROUP)
                        .raftGroup("anchors")
                        .self(members.get(i))
                        .members(members)
                        .dataDir(Path.of(dataDir, "n" + (i + 1)))
                        .build()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public static void main(String[] args) throws Exception {
        Driver.Options o = Driver.Options.parse(args);
        String data = o.get("data", System.getProperty("java.io.tmpdir") + "/anchors-escrowstore");
        int[] ports = Arrays.stream(o.get("ports", "18191,18192,18193").split(","))
                .mapToInt(Integer::parseInt).toArray();
        try (EscrowStoreBench s = new EscrowStoreBench(data, ports)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (s.leaderIndex() < 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            Driver.log("leader elected: node " + s.leaderIndex());
            new Driver(s, o).runAll();
        }
        System.exit(0);
    }

    @Override
    public String name() {
        return (FLOOR ? "escrowstore-floor [engine only: claims answered; never applied] " : "")
                + "escrow-store " + Driver.jarVersion("escrow-store-raft") + " (jraft " + Driver.jarVersion("jraft-core") + ")"
                + (LOCAL_READS ? " [LOCAL reads: upper bound; not linearizable]" : "");
    }

    @Override
    public int members() {
        return nodes.size();
    }

    @Override
    public int leaderIndex() {
        for (int i = 0; i < nodes.size(); i++) {
            var status = nodes.get(i).status();
            if (status.isLeader() && status.term() > 0) {
                return i;
            }
        }
        return -1;
    }

    static ChannelId channelOf(String key) {
        return ChannelId.of(Long.parseLong(key.substring("chan/".length())) + 1);
    }

    /** Signature bytes: channel, record nonce, amount (the store keeps them verbatim). */
    static Signature signature(long channel, long recordNonce, long amount) {
        ByteBuffer b = ByteBuffer.allocate(Signature.LENGTH);
        b.putLong(channel).putLong(recordNonce).putLong(amount);
        b.put(Signature.LENGTH - 1, (byte) 27);
        return new Signature(b.array());
    }

    static Versioned versioned(ChannelState s) {
        long channel = s.channelId().value().longValueExact() - 1;
        long recordNonce = s.signature().map(sig -> ByteBuffer.wrap(sig.bytes()).getLong(8)).orElse(0L);
        return new Versioned(recordNonce, ChannelRecord.encode((int) channel, recordNonce,
                s.authorizedAmount().longValueExact()));
    }

    @Override
    public Session session(int memberIndex) {
        RaftPaymentStore node = nodes.get(memberIndex);
        return new Session() {
            @Override
            public Versioned read(String key) {
                ChannelState s = node.channel(channelOf(key), LOCAL_READS ? ReadConsistency.LOCAL : ReadConsistency.LINEARIZABLE)
                        .orElseThrow(() -> new IllegalStateException("no channel for " + key));
                return versioned(s);
            }

            @Override
            public CasResult cas(String key, Versioned expected, byte[] newValue) {
                ChannelId id = channelOf(key);
                long expectedAmount = ChannelRecord.amount(expected.value());
                long amount = ChannelRecord.amount(newValue);
                long recordNonce = ChannelRecord.nonce(newValue);
                Payment payment = new Payment(id, BigInteger.ZERO, BigInteger.valueOf(amount),
                        signature(id.value().longValueExact(), recordNonce, amount));
                ClaimResult r = node.claim(ClaimRequest.of(payment, BigInteger.valueOf(amount - expectedAmount)));
                if (r instanceof Accepted) {
                    return new CasResult(true, recordNonce, null);
                }
                Rejected rejected = (Rejected) r;
                switch (rejected.reason()) {
                    case ALREADY_CLAIMED, INCREMENT_MISMATCH -> {
                        return new CasResult(false, -1, rejected.state().map(EscrowStoreBench::versioned).orElse(null));
                    }
                    default -> throw new IllegalStateException("claim on " + key + " rejected: " + rejected.reason());
                }
            }
        };
    }

    /**
     * Syncs every channel from "chain" (nonce 0, authorized 0), 64 at a time. A sync cannot reset
     * an authorization at the same chain nonce, so this needs fresh data dirs (as the script makes).
     */
    @Override
    public void preload(String[] keys, byte[][] values) throws Exception {
        RaftPaymentStore node = nodes.get(Math.max(0, leaderIndex()));
        Semaphore window = new Semaphore(64);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (String key : keys) {
            ChannelId id = channelOf(key);
            ChainChannel chain = new ChainChannel(id, BigInteger.ZERO, SENDER, SIGNER, RECIPIENT, GROUP, DEPOSIT,
                    BigInteger.valueOf(100_000_000));
            window.acquire();
            CompletableFuture<?> f = node.syncFromChainAsync(chain, new RequestId("preload/" + key));
            f.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (!(r instanceof Synced s) || s.state().authorizedAmount().signum() != 0) {
                    failure.compareAndSet(null, new IllegalStateException("sync of " + key + ": " + r
                            + " (data dir not fresh?)"));
                }
                window.release();
            });
        }
        window.acquire(64);
        if (failure.get() != null) {
            throw new IllegalStateException("preload failed", failure.get());
        }
    }

    @Override
    public void close() {
        for (RaftPaymentStore n : nodes) {
            n.close();
        }
    }
}
