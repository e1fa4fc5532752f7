package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.Connection;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteResponse;
import com.alipay.sofa.jraft.rpc.impl.core.RequestVoteRequestProcessor;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Member;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.testkit.DiskFaults.LogFault;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a node does when its disk fails: writes of its term/vote, its Raft log and its snapshots
 * fail through {@link FaultInjectingServiceFactory}. In every case the node stops (jraft's state
 * ERROR), refuses calls with a {@link StoreUnavailableException} naming what failed, acknowledges
 * nothing that was not written by a majority, and rejoins with everything acknowledged once the
 * fault is cleared and it is reopened.
 */
class DiskFaultTest {
    private static final long PRICE = 10;
    private static final long DEPOSIT = 1_000_000;
    private static final ChannelId CHANNEL = ChannelId.of(1);
    /** Far above any term the cluster reaches by itself in a test. */
    private static final long HIGH_TERM = 1_000;

    private static EscrowCluster startCluster() {
        return EscrowCluster.builder().nodes(3).requestTimeout(Duration.ofSeconds(2)).start();
    }

    @Test
    void nodeThatCannotWriteTheTermOfAVoteRequestRefusesTheVoteAndStops() {
        try (EscrowCluster cluster = startCluster()) {
            int follower = cluster.follower();
            cluster.awaitConvergence();
            cluster.network().isolate(follower);
            cluster.disk(follower).failTermAndVoteWrites();

            Object reply = requestVote(cluster, follower, HIGH_TERM, Long.MAX_VALUE / 2, HIGH_TERM);

            assertNotGranted(reply);
            assertStopped(cluster, follower, "term/vote");
            assertRejoinsAfterHealing(cluster, follower);
        }
    }

    /**
     * The path jraft 1.3.15 gets wrong: the term is written, the vote is not, and jraft ignores
     * that and grants from memory. Fails without {@code DurableMetaStorage}.
     */
    @Test
    void nodeThatCannotWriteItsVoteDoesNotGrantItAndStops() {
        try (EscrowCluster cluster = startCluster()) {
            int follower = cluster.follower();
            cluster.awaitConvergence();
            cluster.network().isolate(follower);
            Object refusedForItsLog = requestVote(cluster, follower, HIGH_TERM, 0, 0);
            assertNotGranted(refusedForItsLog);
            assertThat(raftNode(cluster, follower).getNodeState()).as("a vote refused for a stale log is no fault")
                    .isEqualTo(State.STATE_FOLLOWER);

            cluster.disk(follower).failTermAndVoteWrites();
            Object reply = requestVote(cluster, follower, HIGH_TERM, Long.MAX_VALUE / 2, HIGH_TERM);

            assertNotGranted(reply);
            assertThat(cluster.disk(follower).failedWrites()).as("the vote itself failed to save").isEqualTo(1);
            assertStopped(cluster, follower, "term/vote");
            cluster.disk(follower).heal();
            assertNotGranted(requestVote(cluster, follower, HIGH_TERM, Long.MAX_VALUE / 2, HIGH_TERM));
            assertRejoinsAfterHealing(cluster, follower);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = LogFault.class, names = {"DISK_FULL", "FSYNC_FAILS"})
    void leaderThatCannotWriteItsLogAcknowledgesNothingUnwrittenAndRecovers(LogFault fault) {
        try (EscrowCluster cluster = startCluster()) {
            int leader = cluster.awaitLeader();
            RaftPaymentStore leading = cluster.node(leader);
            TestChannels.openAll(leading, cluster.groupId(), DEPOSIT, 1);
            assertThat(leading.claim(TestChannels.claim(1, 0, PRICE, PRICE))).isInstanceOf(Accepted.class);
            // with one follower cut off, the leader's own write is needed for a majority
            cluster.network().isolate(cluster.follower());
            cluster.disk(leader).failLogAppends(fault);

            ClaimRequest unwritten = TestChannels.claim(1, 0, 2 * PRICE, PRICE);
            Throwable failure = catchThrowable(() -> leading.claim(unwritten));

            assertThat(failure).as("the claim the leader could not write").isNotNull()
                    .isInstanceOfAny(IndeterminateOutcomeException.class, StoreUnavailableException.class);
            assertStopped(cluster, leader, "write of the Raft log");
            cluster.network().heal();
            assertRejoinsAfterHealing(cluster, leader);
            BigInteger authorized = cluster.node(leader).channel(CHANNEL).orElseThrow().authorizedAmount();
            assertThat(authorized).as("the acknowledged claim, and the unwritten one only if it took effect later")
                    .isIn(BigInteger.valueOf(PRICE), BigInteger.valueOf(2 * PRICE));
            ClaimResult retried = cluster.node(leader).claim(unwritten);
            assertThat(retried).as("resubmitted with the same request id").isInstanceOf(Accepted.class);
        }
    }

    @Test
    void nodeWhoseSnapshotSaveFailsStopsAndRestartsFromItsLastGoodSnapshot() throws Exception {
        try (EscrowCluster cluster = startCluster()) {
            int leader = cluster.awaitLeader();
            int follower = cluster.follower();
            TestChannels.openAll(cluster.node(leader), cluster.groupId(), DEPOSIT, 1);
            claimAccepted(cluster, leader, PRICE);
            cluster.node(follower).snapshot().get(30, TimeUnit.SECONDS);
            claimAccepted(cluster, leader, 2 * PRICE);
            // a linearizable read: the follower applied the claim, so the next snapshot has something to save
            assertThat(cluster.node(follower).channel(CHANNEL).orElseThrow().authorizedAmount())
                    .isEqualTo(BigInteger.valueOf(2 * PRICE));
            cluster.disk(follower).failSnapshotSaves();

            Throwable failed = catchThrowable(() -> cluster.node(follower).snapshot().join());

            assertThat(failed).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            assertThat(cluster.disk(follower).failedWrites()).isEqualTo(1);
            assertStopped(cluster, follower, "snapshot save");
            claimAccepted(cluster, leader, 3 * PRICE);
            assertRejoinsAfterHealing(cluster, follower);
            assertThat(cluster.node(follower).channel(CHANNEL).orElseThrow().authorizedAmount())
                    .isEqualTo(BigInteger.valueOf(3 * PRICE));
        }
    }

    private static void claimAccepted(EscrowCluster cluster, int node, long amount) {
        assertThat(cluster.node(node).claim(TestChannels.claim(1, 0, amount, PRICE))).as("claim of %d", amount)
                .isInstanceOf(Accepted.class);
    }

    /** The node stopped: jraft's state ERROR, and calls fail naming {@code what} failed. */
    private static void assertStopped(EscrowCluster cluster, int node, String what) {
        Await.until(Duration.ofSeconds(10), () -> "node " + node + " to stop serving",
                () -> raftNode(cluster, node).getNodeState() == State.STATE_ERROR);
        Await.until(Duration.ofSeconds(10), () -> "node " + node + " to refuse calls", () -> {
            try {
                cluster.node(node).channel(CHANNEL);
                return false;
            } catch (StoreUnavailableException e) {
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
        assertThatThrownBy(() -> cluster.node(node).channel(CHANNEL))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("stopped serving")
                .hasMessageContaining(what)
                .hasMessageContaining("bytes usable");
        assertThat(cluster.node(node).status().leader()).as("status of a stopped node").isEmpty();
    }

    /** Closes the stopped node, clears its disk faults, reopens it: it catches up with the others. */
    private static void assertRejoinsAfterHealing(EscrowCluster cluster, int node) {
        cluster.network().heal();
        cluster.stop(node);
        cluster.disk(node).heal();
        cluster.restart(node);
        cluster.awaitConvergence();
        assertThat(raftNode(cluster, node).getNodeState()).isIn(State.STATE_FOLLOWER, State.STATE_LEADER);
    }

    private static void assertNotGranted(Object reply) {
        assertThat(reply).as("the reply that left the node").isNotNull();
        if (reply instanceof RequestVoteResponse vote) {
            assertThat(vote.getGranted()).as("vote granted in %s", vote).isFalse();
        }
    }

    private static Node raftNode(EscrowCluster cluster, int node) {
        Member self = cluster.config(node).self();
        return NodeManager.getInstance().get(cluster.config(node).raftGroup(), new PeerId(self.host(), self.port()));
    }

    /**
     * Hands a vote request from a made-up candidate to the node exactly as its RPC server would,
     * through jraft's own processor, and returns the reply the processor sends.
     */
    private static Object requestVote(EscrowCluster cluster, int node, long term, long lastLogIndex, long lastLogTerm) {
        Member self = cluster.config(node).self();
        RequestVoteRequest request = RequestVoteRequest.newBuilder()
                .setGroupId(cluster.config(node).raftGroup())
                .setServerId("127.0.0.1:1")
                .setPeerId(new PeerId(self.host(), self.port()).toString())
                .setTerm(term)
                .setLastLogIndex(lastLogIndex)
                .setLastLogTerm(lastLogTerm)
                .setPreVote(false)
                .build();
        AtomicReference<Object> reply = new AtomicReference<>();
        new RequestVoteRequestProcessor(Runnable::run).handleRequest(new RpcContext() {
            @Override
            public void sendResponse(Object response) {
                reply.set(response);
            }

            @Override
            public Connection getConnection() {
                return null;
            }

            @Override
            public String getRemoteAddress() {
                return "127.0.0.1:1";
            }
        }, request);
        return reply.get();
    }
}
