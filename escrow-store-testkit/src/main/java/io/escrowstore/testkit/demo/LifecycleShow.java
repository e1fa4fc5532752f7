package io.escrowstore.testkit.demo;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimResult;
import io.escrowstore.Payment;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Reserved;
import io.escrowstore.ReserveResult;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.ClaimRequest;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.testkit.EscrowCluster;
import io.escrowstore.testkit.TestChannels;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The second half of the demo: a replica reserves a payment and dies before committing it; the
 * channel is busy until the lease runs out in log time, then takes the next payment with nobody's
 * help. Then a settlement round moves every channel's authorization out in one entry, and a chain
 * sync with the claimed nonce forgets the settled records.
 */
final class LifecycleShow {
    private static final Duration LEASE = Duration.ofSeconds(2);

    private LifecycleShow() {
    }

    /** @return true if every step behaved as the store promises */
    static boolean run(EscrowCluster cluster, List<ChannelId> channels, long price, PrintStream out) {
        out.println();
        out.println("reservation whose owner dies:");
        ChannelId channel = channels.get(0);
        int owner = cluster.follower();
        ChannelState before = cluster.node(owner).channel(channel).orElseThrow();
        ClaimRequest call = claim(before, price);
        ReserveResult reserved = cluster.node(owner).reserve(call, LEASE);
        if (!(reserved instanceof Reserved held)) {
            out.println("  reserve refused: " + reserved);
            return false;
        }
        out.printf("  node %d reserved %s on %s for %d ms, then died%n", owner, call.payment().amount(), channel,
                LEASE.toMillis());
        cluster.stop(owner);
        RaftPaymentStore other = cluster.anyNode();
        ClaimResult busy = other.claim(claim(before, price));
        out.printf("  another replica's claim meanwhile: %s%n", busy instanceof Rejected r ? r.reason() : "ACCEPTED");
        long waitStarted = System.nanoTime();
        ClaimResult next = busy;
        while (!next.isAccepted() && System.nanoTime() - waitStarted < LEASE.multipliedBy(5).toNanos()) {
            next = other.claim(claim(before, price));
        }
        out.printf("  accepted by another replica %d ms later, without any unlock%n",
                (System.nanoTime() - waitStarted) / 1_000_000);
        ClaimResult lateCommit = other.commit(held.reservationId());
        out.printf("  the dead owner's commit, if it came now: %s%n",
                lateCommit instanceof Rejected r ? r.reason() : "ACCEPTED");
        cluster.restart(owner);
        boolean reservationOk = busy instanceof Rejected && next.isAccepted() && !lateCommit.isAccepted();

        out.println("settlement round:");
        Map<ChannelId, SettlementResult> results = other.startSettlements(channels, new RequestId("demo-settle-1"));
        BigInteger total = BigInteger.ZERO;
        int started = 0;
        for (SettlementResult result : results.values()) {
            if (result instanceof SettlementStarted s) {
                started++;
                total = total.add(s.settlement().amount());
            }
        }
        out.printf("  %d of %d channels moved %s into settlements in one log entry%n", started, channels.size(), total);
        List<Settlement> pending = other.settlements();
        for (Settlement settlement : pending) {
            other.syncFromChain(TestChannels.onChain(cluster.groupId(), settlement.channelId().value().longValueExact(),
                    settlement.nonce().longValueExact() + 1, 1_000_000_000L - settlement.amount().longValueExact()));
        }
        int left = other.settlements().size();
        out.printf("  chain claimed them: %d pending before the chain sync, %d after%n", pending.size(), left);
        boolean settlementOk = started > 0 && pending.size() == started && left == 0;
        return reservationOk && settlementOk;
    }

    private static ClaimRequest claim(ChannelState state, long price) {
        BigInteger amount = state.authorizedAmount().add(BigInteger.valueOf(price));
        Payment payment = new Payment(state.channelId(), state.nonce(), amount, TestChannels.signature(
                state.channelId().value().longValueExact(), state.nonce().longValueExact(), amount.longValueExact()));
        return ClaimRequest.of(payment, BigInteger.valueOf(price));
    }
}
