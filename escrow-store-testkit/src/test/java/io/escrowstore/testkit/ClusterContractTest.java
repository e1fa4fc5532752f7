package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.NoQuorumException;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.StateDigest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour every cluster size must show; run on 3 and 5 nodes by the subclasses. After each test
 * the extension restarts stopped nodes and checks that all replicas converge to identical state.
 */
abstract class ClusterContractTest {
    static final long PRICE = 10;
    static final long DEPOSIT = 1_000_000;

    @RegisterExtension
    final EscrowClusterExtension extension = EscrowClusterExtension.configured(
            builder -> builder.nodes(nodes()).requestTimeout(Duration.ofSeconds(3)));

    abstract int nodes();

    EscrowCluster cluster() {
        return extension.cluster();
    }

    void open(long... channelIds) {
        TestChannels.openAll(cluster().anyNode(), cluster().groupId(), DEPOSIT, channelIds);
    }

    @Test
    void everyNodeAcceptsClaimsWhetherItLeadsOrForwards() {
        cluster().awaitLeader();
        open(1);
        long amount = 0;
        for (int round = 0; round < 3; round++) {
            for (int node = 0; node < cluster().size(); node++) {
                amount += PRICE;
                ClaimResult result = cluster().node(node).claim(TestChannels.claim(1, 0, amount, PRICE));
                assertThat(result).as("claim of %d through node %d", amount, node).isInstanceOf(Accepted.class);
                assertThat(((Accepted) result).state().authorizedAmount()).isEqualTo(BigInteger.valueOf(amount));
            }
        }
        for (int node = 0; node < cluster().size(); node++) {
            ChannelState state = cluster().node(node).channel(ChannelId.of(1)).orElseThrow();
            assertThat(state.authorizedAmount()).as("linearizable read on node %d", node).isEqualTo(BigInteger.valueOf(amount));
        }
    }

    @Test
    void samePaymentShownToEveryReplicaAtOnceIsAcceptedExactlyOnce() {
        cluster().awaitLeader();
        long[] channels = LongStream.rangeClosed(1, 20).toArray();
        open(channels);
        int payments = 0;
        for (int step = 1; step <= 10; step++) {
            List<CompletableFuture<ClaimResult>> calls = new ArrayList<>();
            for (long channel : channels) {
                for (int node = 0; node < cluster().size(); node++) {
                    calls.add(cluster().node(node).claimAsync(TestChannels.claim(channel, 0, step * PRICE, PRICE)));
                }
                payments++;
            }
            List<ClaimResult> results = calls.stream().map(CompletableFuture::join).toList();
            for (int c = 0; c < channels.length; c++) {
                List<ClaimResult> forChannel = results.subList(c * cluster().size(), (c + 1) * cluster().size());
                assertThat(forChannel.stream().filter(ClaimResult::isAccepted)).as("accepts of step %d on channel %d",
                        step, channels[c]).hasSize(1);
                assertThat(forChannel.stream().filter(r -> !r.isAccepted()))
                        .allSatisfy(r -> assertThat(((Rejected) r).reason()).isEqualTo(RejectReason.ALREADY_CLAIMED));
            }
        }
        assertThat(payments).isEqualTo(200);
    }

    @Test
    void stoppingTheLeaderMidLoadLosesNoAcknowledgedClaim() throws InterruptedException {
        int leader = cluster().awaitLeader();
        List<Long> channels = LongStream.rangeClosed(1, 16).boxed().toList();
        open(channels.stream().mapToLong(Long::longValue).toArray());
        History history = new History();
        long acceptedAfterStop;
        try (DoubleSpendLoad load = DoubleSpendLoad.builder(cluster(), history).channels(channels).clients(8).price(PRICE)
                .seed(7).start()) {
            awaitAccepted(load, 200);
            cluster().stop(leader);
            int newLeader = cluster().awaitNewLeader(leader);
            assertThat(newLeader).isNotEqualTo(leader);
            long atNewLeader = load.accepted();
            awaitAccepted(load, atNewLeader + 200);
            acceptedAfterStop = load.accepted() - atNewLeader;
        }
        assertThat(acceptedAfterStop).isGreaterThanOrEqualTo(200);
        Map<ChannelId, ChannelState> opened = new HashMap<>();
        for (long id : channels) {
            opened.put(ChannelId.of(id), ChannelState.fromChain(TestChannels.opened(cluster().groupId(), id, DEPOSIT), 0));
        }
        Verification.Report report = Verification.afterHealing(cluster(), history, opened);
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(history.outcomes(History.Kind.CLAIM).get(History.Outcome.ACCEPTED)).isGreaterThan(400);
    }

    @Test
    void minorityRefusesWithinTheDeadlineAndChangesNothing() {
        cluster().awaitLeader();
        open(1);
        assertThat(cluster().anyNode().claim(TestChannels.claim(1, 0, PRICE, PRICE)).isAccepted()).isTrue();
        StateDigest before = cluster().awaitConvergence();
        int majority = cluster().size() / 2 + 1;
        for (int i = 0; i < majority; i++) {
            cluster().stop(i);
        }
        List<Integer> survivors = cluster().running();
        for (int i : survivors) {
            Awaiting.noLeaderKnownTo(cluster().node(i));
        }
        RaftPaymentStore survivor = cluster().node(survivors.get(0));
        assertThat(survivor.stateDigest().sameStateAs(before)).isTrue();
        ClaimRequest attempt = TestChannels.claim(1, 0, 2 * PRICE, PRICE);
        long started = System.nanoTime();
        assertThatThrownBy(() -> survivor.claim(attempt)).isInstanceOf(NoQuorumException.class);
        assertThatThrownBy(() -> survivor.channel(ChannelId.of(1))).isInstanceOf(StoreUnavailableException.class);
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(waitedMillis).as("both calls end within their 3 s deadlines").isLessThan(2 * 3_000 + 1_000);
        assertThat(survivor.stateDigest().sameStateAs(before)).isTrue();

        cluster().restartAll();
        cluster().awaitLeader();
        assertThat(cluster().awaitConvergence().sameStateAs(before)).as("state after recovery").isTrue();
        assertThat(cluster().anyNode().claim(TestChannels.claim(1, 0, 2 * PRICE, PRICE)).isAccepted()).isTrue();
    }

    @Test
    void wholeClusterRestartKeepsEveryChannel() {
        cluster().awaitLeader();
        long[] channels = LongStream.rangeClosed(1, 10).toArray();
        open(channels);
        for (long channel : channels) {
            for (long amount = PRICE; amount <= channel * PRICE; amount += PRICE) {
                assertThat(cluster().anyNode().claim(TestChannels.claim(channel, 0, amount, PRICE)).isAccepted()).isTrue();
            }
        }
        StateDigest before = cluster().awaitConvergence();
        for (int i = 0; i < cluster().size(); i++) {
            cluster().stop(i);
        }
        cluster().restartAll();
        cluster().awaitLeader();
        assertThat(cluster().awaitConvergence().sameStateAs(before)).isTrue();
        for (long channel : channels) {
            assertThat(cluster().anyNode().channel(ChannelId.of(channel)).orElseThrow().authorizedAmount())
                    .isEqualTo(BigInteger.valueOf(channel * PRICE));
        }
    }

    @Test
    void snapshotThenRestartThenLogReplayGivesIdenticalStateOnAllNodes() {
        cluster().awaitLeader();
        long[] channels = LongStream.rangeClosed(1, 30).toArray();
        open(channels);
        for (long channel : channels) {
            assertThat(cluster().anyNode().claim(TestChannels.claim(channel, 0, PRICE, PRICE)).isAccepted()).isTrue();
        }
        cluster().awaitConvergence();
        for (int i = 0; i < cluster().size(); i++) {
            cluster().node(i).snapshot().join();
            assertThat(Files.isDirectory(cluster().config(i).dataDir().resolve("snapshot"))).isTrue();
        }
        for (long channel : channels) {
            assertThat(cluster().anyNode().claim(TestChannels.claim(channel, 0, 2 * PRICE, PRICE)).isAccepted()).isTrue();
        }
        StateDigest before = cluster().awaitConvergence();
        for (int i = 0; i < cluster().size(); i++) {
            cluster().stop(i);
        }
        cluster().restartAll();
        cluster().awaitLeader();
        StateDigest after = cluster().awaitConvergence();
        assertThat(after.sameStateAs(before)).as("%s vs %s", after, before).isTrue();
        assertThat(after.channels()).isEqualTo(channels.length);
    }

    private static void awaitAccepted(DoubleSpendLoad load, long atLeast) {
        Await.until(Duration.ofSeconds(30), () -> atLeast + " accepted claims (now " + load.accepted() + ")",
                () -> load.accepted() >= atLeast);
    }
}
