package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.ReadConsistency;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreStatus;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RaftPaymentStore#ready()} and {@code awaitReady} on a group of three real nodes. */
class ReadinessTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final List<Member> members = List.of(member(), member(), member());
    private final List<RaftPaymentStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(RaftPaymentStore::close);
    }

    @Test
    void readyKeepsAskingPastTheRequestTimeoutAndCompletesOnceAMajorityRuns() throws Exception {
        RaftPaymentStore first = open(0);
        CompletableFuture<StoreStatus> ready = first.ready();

        assertThatThrownBy(() -> first.awaitReady(REQUEST_TIMEOUT.multipliedBy(3)))
                .as("one node of three is a minority")
                .isExactlyInstanceOf(NoQuorumException.class)
                .hasMessageContaining("not ready within 1500 ms")
                .hasMessageContaining("leader unknown");
        assertThat(ready).as("still asking after three request timeouts").isNotDone();

        open(1);
        StoreStatus status = ready.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(status.leader()).isPresent();
        assertThat(status.members()).containsExactlyInAnyOrderElementsOf(members);
        assertThat(first.awaitReady(WAIT).leader()).isPresent();
    }

    @Test
    void aRestartedFollowerIsReadyOnlyOnceItAppliedWhatWasCommittedBeforeItAsked() {
        RaftPaymentStore a = open(0);
        RaftPaymentStore b = open(1);
        RaftPaymentStore c = open(2);
        a.awaitReady(WAIT);
        RaftPaymentStore leader = opened.stream().filter(s -> s.status().isLeader()).findFirst()
                .orElseGet(() -> a);
        RaftPaymentStore follower = leader == c ? b : c;
        int followerIndex = follower == c ? 2 : 1;
        follower.close();
        opened.remove(follower);

        // a backlog the restarted follower must install from a snapshot, then entries after it
        List<CompletableFuture<?>> syncs = new ArrayList<>();
        for (long channel = 1; channel <= 2_000; channel++) {
            syncs.add(leader.syncFromChainAsync(RaftPaymentStoreTest.chain(channel)));
        }
        CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new)).join();
        leader.snapshot().join();
        long lastRevision = 0;
        for (int amount = 10; amount <= 100; amount += 10) {
            Accepted accepted = (Accepted) leader.claim(RaftPaymentStoreTest.claim(1, amount));
            lastRevision = accepted.state().revision();
        }

        RaftPaymentStore restarted = open(followerIndex);
        StoreStatus status = restarted.awaitReady(WAIT);

        assertThat(status.lastAppliedIndex()).isGreaterThanOrEqualTo(lastRevision);
        assertThat(restarted.channel(ChannelId.of(1), ReadConsistency.LOCAL).orElseThrow().authorizedAmount())
                .as("served from its own table without the network")
                .isEqualTo(BigInteger.valueOf(100));
    }

    @Test
    void closingTheNodeEndsAPendingReadyWithStoreClosedException() {
        RaftPaymentStore lonely = open(0);
        CompletableFuture<StoreStatus> ready = lonely.ready();

        lonely.close();

        assertThat(ready).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(StoreClosedException.class);
    }

    private RaftPaymentStore open(int index) {
        Member self = members.get(index);
        RaftPaymentStore store = RaftPaymentStore.open(RaftStoreConfig.builder()
                .unsafePlaintext()
                .groupId(RaftPaymentStoreTest.GROUP)
                .raftGroup("readiness-" + members.get(0).port())
                .self(self)
                .members(members)
                .dataDir(dataDir.resolve("node" + index))
                .electionTimeout(Duration.ofMillis(300))
                .maxElectionDelay(Duration.ofMillis(100))
                .requestTimeout(REQUEST_TIMEOUT)
                .build());
        opened.add(store);
        return store;
    }

    private static Member member() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Member("127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
