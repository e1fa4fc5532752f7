package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.Member;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.Reserved;
import io.escrowstore.raft.RaftPaymentStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leader clock skew nemesis: under the double-spend load, a follower's wall clock is set off
 * (+11 min, -11 min, +5 years) and leadership moves to it, then back to a node with a correct
 * clock. Across both moves a lease lasts its real duration (never cut short, never frozen) and an
 * accepted claim's outcome stays in the request-id window: its resubmission answers the same
 * {@code Accepted}. Probe channels are outside the recorded history.
 */
class ClockSkewSuiteTest {
    private static final long PRICE = SuiteRun.PRICE;
    private static final long DEPOSIT = 1_000_000;
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** A lease may outlast its duration by a leader change's replication delay plus a loaded machine's call latency. */
    private static final Duration LATE = Duration.ofSeconds(3);

    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("clock skew");

    static Stream<Duration> skews() {
        return Stream.of(Duration.ofMinutes(11), Duration.ofMinutes(-11), Duration.ofDays(5 * 365));
    }

    @ParameterizedTest(name = "leader clock off by {0}")
    @MethodSource("skews")
    void leaseLastsItsRealDurationAndOutcomesSurviveUnderASkewedLeaderAndTheLeaderAfterIt(Duration skew) {
        SuiteRun run = suite.start(3, 12_000 + Math.floorMod(skew.toMinutes(), 1_000));
        run.awaitAccepted(30);
        int honest = run.cluster.awaitLeader();
        long rememberedId = 900;
        long leasedId = 901;
        TestChannels.openAll(run.cluster.node(honest), run.cluster.groupId(), DEPOSIT, rememberedId, leasedId);
        ClaimRequest remembered = TestChannels.claim(rememberedId, 0, PRICE, PRICE);
        ClaimResult accepted = run.cluster.node(honest).claim(remembered);
        long reservedAt = System.nanoTime();
        Reserved held = (Reserved) run.cluster.node(honest).reserve(TestChannels.claim(leasedId, 0, PRICE, PRICE), LEASE);

        int skewed = (honest + 1) % run.nodes;
        run.cluster.clock(skewed).skew(skew);
        lead(run, skewed);

        assertThat(run.cluster.node(skewed).claim(remembered)).as("resubmission under the skewed leader")
                .isEqualTo(accepted);
        Duration heldUnderSkewedLeader = busyUntilFree(run, skewed, leasedId, reservedAt, PRICE);
        assertThat(heldUnderSkewedLeader).as("lease of %s held by a leader off by %s", LEASE, skew)
                .isBetween(LEASE, LEASE.plus(LATE));

        long reservedAgainAt = System.nanoTime();
        Reserved again = (Reserved) run.cluster.node(skewed).reserve(TestChannels.claim(leasedId, 0, 2 * PRICE, PRICE),
                LEASE);
        lead(run, honest);
        Duration heldAfterSkewedLeader = busyUntilFree(run, honest, leasedId, reservedAgainAt, 2 * PRICE);
        assertThat(heldAfterSkewedLeader).as("lease of %s held by the leader after one off by %s", LEASE, skew)
                .isBetween(LEASE, LEASE.plus(LATE));
        assertThat(run.cluster.node(honest).claim(remembered)).as("resubmission after the skewed leader")
                .isEqualTo(accepted);
        System.out.printf("clock skew %s: lease %d ms held %d ms under the skewed leader and %d ms after it;"
                + " reservations %s, %s%n", skew, LEASE.toMillis(), heldUnderSkewedLeader.toMillis(),
                heldAfterSkewedLeader.toMillis(), held.reservationId(), again.reservationId());
    }

    /** Moves leadership to node {@code target}, retrying a refused or failed transfer until the progress timeout. */
    private static void lead(SuiteRun run, int target) {
        Member member = run.cluster.config(target).self();
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "node " + target + " leading", () -> {
            Optional<Integer> leader = run.cluster.leader();
            if (leader.isPresent() && leader.get() == target) {
                return true;
            }
            try {
                run.cluster.node(target).admin().transferLeadership(member);
            } catch (EscrowStoreException refused) {
                return false;
            }
            return run.cluster.leader().equals(Optional.of(target));
        });
    }

    /**
     * Claims {@code amount} on a leased channel through {@code node} until the answer is no longer
     * {@code CHANNEL_BUSY}; returns how long after {@code reservedAtNanos} (when the reserve was
     * called) that answer came. The reservation expires uncommitted, so the claim that then
     * succeeds is the one the reservation held ({@code amount} = authorized + price).
     */
    private static Duration busyUntilFree(SuiteRun run, int node, long channelId, long reservedAtNanos, long amount) {
        RaftPaymentStore store = run.cluster.node(node);
        AtomicReference<ClaimResult> last = new AtomicReference<>();
        AtomicReference<Long> freeAt = new AtomicReference<>();
        Await.until(LEASE.plus(LATE).plus(LATE), () -> "channel " + channelId + " free again (last answer "
                + last.get() + ")", () -> {
                    ClaimResult result = store.claim(TestChannels.claim(channelId, 0, amount, PRICE));
                    last.set(result);
                    if (result instanceof Rejected rejected && rejected.reason() == RejectReason.CHANNEL_BUSY) {
                        return false;
                    }
                    freeAt.set(System.nanoTime());
                    return true;
                });
        assertThat(last.get()).as("first answer once free").isInstanceOf(Accepted.class);
        return Duration.ofNanos(freeAt.get() - reservedAtNanos);
    }
}
