package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.internal.replication.Members;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.Task;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.Member;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.StateDigest;

/** A group of one grown by a joining node: what each node reports at each step, and leadership moving. */
class TwoNodeMembershipTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private RaftPaymentStore first;
    private RaftPaymentStore joiner;

    @AfterEach
    void close() {
        if (joiner != null) {
            joiner.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void joiningNodeReportsTheVotersWhileItCatchesUpAndItselfOnceAdded() {
        startBoth();
        Member a = first.config().self();
        Member b = joiner.config().self();
        assertThat(joiner.status().members()).as("a joining node knows no configuration yet").isEmpty();
        first.syncFromChain(RaftPaymentStoreTest.chain(1));

        // the first step of addMember alone: a learner gets the log but no vote
        CompletableFuture<Status> learner = new CompletableFuture<>();
        first.raftNode().addLearners(List.of(Members.peer(b)), learner::complete);
        assertThat(learner.join().isOk()).isTrue();
        await().atMost(WAIT).until(() -> joiner.channel(ChannelId.of(1), io.escrowstore.ReadConsistency.LOCAL)
                .isPresent());
        assertThat(joiner.status().members()).as("learned from non-joint entries only").containsExactly(a);
        assertThat(joiner.stateMachine().membership().joining()).containsExactly(b);

        assertThat(joiner.admin().addMember(b)).containsExactlyInAnyOrder(a, b);
        assertThat(first.status().members()).containsExactlyInAnyOrder(a, b);
        await().atMost(WAIT).until(() -> joiner.status().members().size() == 2);
        assertThat(first.admin().clusterStatus().joining()).isEmpty();
    }

    @Test
    void leadershipMovesToTheTargetAndTheOldLeaderCanThenBeRemoved() {
        startBoth();
        Member a = first.config().self();
        Member b = joiner.config().self();
        first.admin().addMember(b);

        assertThat(joiner.admin().transferLeadership(b)).isEqualTo(b);
        await().atMost(WAIT).until(() -> joiner.status().isLeader() && first.status().leader().equals(
                java.util.Optional.of(b)));
        first.syncFromChain(RaftPaymentStoreTest.chain(2));
        assertThat(first.claim(RaftPaymentStoreTest.claim(2, 10))).isInstanceOf(Accepted.class);

        assertThat(first.admin().removeMember(a)).containsExactly(b);
        // the removed node itself need not ever learn of its removal: b stops replicating to it
        assertThat(joiner.status().members()).containsExactly(b);
        assertThat(joiner.claim(RaftPaymentStoreTest.claim(2, 20))).as("b alone is a majority now")
                .isInstanceOf(Accepted.class);
    }

    @Test
    void aNoOpEntryReachesEveryMemberAndChangesNoState() {
        startBoth();
        first.admin().addMember(joiner.config().self());
        first.syncFromChain(RaftPaymentStoreTest.chain(3));
        await().atMost(WAIT).until(() -> joiner.stateMachine().appliedIndex() == first.stateMachine().appliedIndex());
        StateDigest before = first.stateMachine().digest();

        CompletableFuture<Status> committed = new CompletableFuture<>();
        Task noop = new Task(ByteBuffer.allocate(0), committed::complete);
        first.raftNode().apply(noop);

        assertThat(committed.join().isOk()).isTrue();
        long index = first.stateMachine().appliedIndex();
        assertThat(index).isEqualTo(before.appliedIndex() + 1);
        await().atMost(WAIT).until(() -> joiner.stateMachine().appliedIndex() == index);
        for (RaftPaymentStore store : List.of(first, joiner)) {
            assertThat(store.stateMachine().digest().sameStateAs(before)).isTrue();
            assertThat(store.stateMachine().invalidEntries()).isZero();
        }
    }

    private void startBoth() {
        first = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir.resolve("a"),
                ClusterAdminSingleNodeTest.freePort()));
        await().atMost(WAIT).until(() -> first.status().isLeader());
        Member b = new Member("127.0.0.1", ClusterAdminSingleNodeTest.freePort());
        joiner = RaftPaymentStore.open(first.config().toBuilder().self(b).members(List.of(first.config().self(), b))
                .dataDir(dataDir.resolve("b").resolve("node")).joining(true).build());
    }
}
