package io.escrowstore.raft.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ClusterStatus;
import io.escrowstore.Member;
import io.escrowstore.MembershipChangeException;
import io.escrowstore.MembershipChangeException.Reason;
import io.escrowstore.Synced;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;

/** Admin calls on a group of one, where a member that never catches up is easy to make: a port nobody serves. */
public class ClusterAdminSingleNodeTest {
    @TempDir
    Path dataDir;

    private RaftPaymentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void memberThatNeverCatchesUpStaysJoiningAndNeverCountsTowardTheQuorum() {
        store = started(Duration.ofSeconds(1));
        Member ghost = new Member("127.0.0.1", freePort());

        assertThatThrownBy(() -> store.admin().addMember(ghost))
                .isInstanceOfSatisfying(MembershipChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_CAUGHT_UP))
                .hasMessageContaining(ghost.toString());

        ClusterStatus status = store.admin().clusterStatus();
        assertThat(status.votingMembers()).containsExactly(store.config().self());
        assertThat(status.joining()).singleElement().satisfies(joining -> {
            assertThat(joining.member()).isEqualTo(ghost);
            assertThat(joining.reachable()).isFalse();
        });
        // a voter that cannot answer would leave a group of two without a majority; a joining member does not
        assertThat(store.syncFromChain(RaftPaymentStoreTest.chain(1))).isInstanceOf(Synced.class);
        assertThat(store.claim(RaftPaymentStoreTest.claim(1, 10))).isInstanceOf(Accepted.class);

        assertThat(store.admin().removeMember(ghost)).containsExactly(store.config().self());
        assertThat(store.admin().clusterStatus().joining()).isEmpty();
    }

    @Test
    void secondChangeWhileOneRunsIsRefusedAtOnce() {
        store = started(Duration.ofSeconds(2));
        Member ghost = new Member("127.0.0.1", freePort());
        CompletableFuture<List<Member>> first = store.admin().addMemberAsync(ghost);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.stateMachine().membership().joining().contains(ghost));

        assertThatThrownBy(() -> store.admin().transferLeadership(store.config().self()))
                .isInstanceOfSatisfying(MembershipChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHANGE_IN_PROGRESS))
                .hasMessageContaining("add " + ghost);
        assertThat(first).failsWithin(Duration.ofSeconds(5));
        store.admin().removeMember(ghost);
    }

    @Test
    void removingTheOnlyMemberIsRefused() {
        store = started(Duration.ofSeconds(2));
        assertThatThrownBy(() -> store.admin().removeMember(store.config().self()))
                .isInstanceOfSatisfying(MembershipChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST))
                .hasMessageContaining("only member");
        assertThat(store.admin().addMember(store.config().self())).containsExactly(store.config().self());
    }

    private RaftPaymentStore started(Duration adminTimeout) {
        RaftPaymentStore opened = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir, freePort()).toBuilder()
                .adminTimeout(adminTimeout).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> opened.status().isLeader());
        return opened;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
