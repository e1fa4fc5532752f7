package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Reserved;
import io.escrowstore.ReserveResult;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.StateDigest;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payment lifecycle on a 3-node cluster: exactly-once retries, reservations, settlement. */
class LifecycleTest {
    static final long PRICE = 10;
    static final long DEPOSIT = 1_000_000;

    @RegisterExtension
    final EscrowClusterExtension extension = EscrowClusterExtension.configured(
            builder -> builder.nodes(3).requestTimeout(Duration.ofSeconds(4)));

    EscrowCluster cluster() {
        return extension.cluster();
    }

    void open(long... channelIds) {
        TestChannels.openAll(cluster().anyNode(), cluster().groupId(), DEPOSIT, channelIds);
    }

    @Test
    void claimRetriedWithTheSameRequestIdAfterItsLeaderStoppedIsAcceptedOnceWithOneAnswer() {
        for (long r = 1; r <= 8; r++) {
            long round = r;
            int leader = cluster().awaitLeader();
            open(round);
            ClaimRequest request = TestChannels.claim(round, 0, PRICE, PRICE);
            CompletableFuture<ClaimResult> first = cluster().node(leader).claimAsync(request);
            cluster().stop(leader);
            int other = cluster().awaitNewLeader(leader);
            ClaimResult retried = cluster().node(other).claim(request);

            assertThat(retried).as("round %d", round).isInstanceOf(Accepted.class);
            Optional<ClaimResult> firstAnswer = answer(first);
            firstAnswer.ifPresent(answer -> assertThat(answer).as("round %d", round).isEqualTo(retried));
            assertThat(cluster().node(other).claimOutcome(request.requestId())).contains(retried);
            ClaimResult anotherReplica = cluster().node(other).claim(TestChannels.claim(round, 0, PRICE, PRICE));
            assertThat(((Rejected) anotherReplica).reason()).isEqualTo(RejectReason.ALREADY_CLAIMED);
            assertThat(cluster().node(other).channel(ChannelId.of(round)).orElseThrow().authorizedAmount())
                    .isEqualTo(BigInteger.valueOf(PRICE));
            cluster().restart(leader);
        }
    }

    @Test
    void reservationOfAStoppedOwnerExpiresAndTheChannelAcceptsTheNextPayment() {
        cluster().awaitLeader();
        open(1);
        int owner = cluster().follower();
        ReserveResult reserved = cluster().node(owner).reserve(TestChannels.claim(1, 0, PRICE, PRICE),
                Duration.ofMillis(1500));
        assertThat(reserved).isInstanceOf(Reserved.class);
        cluster().stop(owner);
        RaftPaymentStore survivor = cluster().anyNode();

        ClaimResult whileHeld = survivor.claim(TestChannels.claim(1, 0, PRICE, PRICE));
        assertThat(((Rejected) whileHeld).reason()).isEqualTo(RejectReason.CHANNEL_BUSY);
        Await.until(Duration.ofSeconds(20), () -> "the lease to run out", () ->
                survivor.claim(TestChannels.claim(1, 0, PRICE, PRICE)).isAccepted());

        ClaimResult lateCommit = survivor.commit(((Reserved) reserved).reservationId());
        assertThat(((Rejected) lateCommit).reason()).isEqualTo(RejectReason.RESERVATION_EXPIRED);
        assertThat(survivor.channel(ChannelId.of(1)).orElseThrow().authorizedAmount())
                .isEqualTo(BigInteger.valueOf(PRICE));
    }

    @Test
    void committedReservationChargesOnceAndReleasedOneChargesNothing() {
        cluster().awaitLeader();
        open(1, 2);
        Reserved held = (Reserved) cluster().anyNode().reserve(TestChannels.claim(1, 0, PRICE, PRICE),
                Duration.ofMinutes(1));
        assertThat(cluster().anyNode().commit(held.reservationId())).isInstanceOf(Accepted.class);
        assertThat(cluster().anyNode().commit(held.reservationId())).as("a retried commit gets the same answer")
                .isInstanceOf(Accepted.class);
        assertThat(cluster().anyNode().channel(ChannelId.of(1)).orElseThrow().authorizedAmount())
                .isEqualTo(BigInteger.valueOf(PRICE));

        Reserved dropped = (Reserved) cluster().anyNode().reserve(TestChannels.claim(2, 0, PRICE, PRICE),
                Duration.ofMinutes(1));
        assertThat(cluster().anyNode().release(dropped.reservationId())).isInstanceOf(io.escrowstore.Released.class);
        assertThat(cluster().anyNode().claim(TestChannels.claim(2, 0, PRICE, PRICE)).isAccepted()).isTrue();
    }

    @Test
    void settlementDuringConcurrentClaimsKeepsEveryInvariant() throws Exception {
        cluster().awaitLeader();
        long[] channels = LongStream.rangeClosed(1, 8).toArray();
        open(channels);
        SettlingLoad load = new SettlingLoad(cluster(), channels, PRICE);
        load.start();
        BigInteger settled = BigInteger.ZERO;
        for (int round = 1; round <= 5; round++) {
            Await.until(Duration.ofSeconds(20), () -> "claims between settlements", () -> load.accepted() > 40);
            load.resetAccepted();
            List<ChannelId> ids = LongStream.of(channels).mapToObj(ChannelId::of).toList();
            Map<ChannelId, SettlementResult> results = cluster().anyNode().startSettlements(ids,
                    new RequestId("settle-" + round));
            for (SettlementResult result : results.values()) {
                if (result instanceof SettlementStarted started) {
                    settled = settled.add(started.settlement().amount());
                    load.settled(started.settlement());
                } else {
                    assertThat(((Rejected) result).reason()).isIn(RejectReason.NOTHING_TO_SETTLE,
                            RejectReason.SETTLEMENT_PENDING);
                }
            }
            for (Settlement pending : cluster().anyNode().settlements()) {
                cluster().anyNode().finishSettlements(pending.channelId(), pending.nonce().add(BigInteger.ONE),
                        new RequestId("finish-" + round + "-" + pending.channelId().value()));
            }
        }
        load.close();
        assertThat(settled.signum()).isPositive();
        cluster().awaitConvergence();
        for (long channel : channels) {
            ChannelState state = cluster().anyNode().channel(ChannelId.of(channel)).orElseThrow();
            assertThat(state.authorizedAmount()).isLessThanOrEqualTo(state.fullAmount());
            assertThat(state.fullAmount().add(load.settledOn(channel))).as("funds of channel %d", channel)
                    .isEqualTo(BigInteger.valueOf(DEPOSIT));
        }
        assertThat(load.violations()).isEmpty();
        assertThat(cluster().anyNode().settlements()).isEmpty();
    }

    @Test
    void outcomesAndReservationsSurviveSnapshotAndRestartOfEveryNode() {
        cluster().awaitLeader();
        open(1, 2);
        ClaimRequest claim = TestChannels.claim(1, 0, PRICE, PRICE);
        ClaimResult original = cluster().anyNode().claim(claim);
        Reserved held = (Reserved) cluster().anyNode().reserve(TestChannels.claim(2, 0, PRICE, PRICE),
                Duration.ofMinutes(5));
        cluster().awaitConvergence();
        for (int i = 0; i < cluster().size(); i++) {
            cluster().node(i).snapshot().join();
        }
        assertThat(cluster().anyNode().claim(TestChannels.claim(1, 0, 2 * PRICE, PRICE)).isAccepted()).isTrue();
        StateDigest before = cluster().awaitConvergence();
        for (int i = 0; i < cluster().size(); i++) {
            cluster().stop(i);
        }
        cluster().restartAll();
        cluster().awaitLeader();
        assertThat(cluster().awaitConvergence().sameStateAs(before)).isTrue();

        assertThat(cluster().anyNode().claim(claim)).as("resubmitted after restart").isEqualTo(original);
        assertThat(cluster().anyNode().claimOutcome(claim.requestId())).contains(original);
        ClaimResult blocked = cluster().anyNode().claim(TestChannels.claim(2, 0, PRICE, PRICE));
        assertThat(((Rejected) blocked).reason()).isEqualTo(RejectReason.CHANNEL_BUSY);
        assertThat(cluster().anyNode().commit(held.reservationId())).isInstanceOf(Accepted.class);
        assertThat(cluster().anyNode().claimOutcome(RequestId.random())).isEmpty();
    }

    private static Optional<ClaimResult> answer(CompletableFuture<ClaimResult> call) {
        try {
            return Optional.of(call.join());
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(EscrowStoreException.class);
            return Optional.empty();
        }
    }
}
