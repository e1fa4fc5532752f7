package io.escrowstore.raft.internal.testing;

import static io.escrowstore.raft.RaftPaymentStoreTest.chain;
import static io.escrowstore.raft.RaftPaymentStoreTest.claim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.Member;
import io.escrowstore.Synced;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.RaftStoreConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link UnsafeSwitches#engineFloor()} switch on a group of three real nodes: claims sent to
 * the leader and to a follower (forwarded) are answered accepted and change nothing, while syncs
 * are still applied; without the switch the same claims change the channels.
 */
class EngineFloorTest {
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
    void floorAnswersClaimsViaLeaderAndFollowerAsAcceptedAndLeavesTheChannelsAsSynced() {
        RaftPaymentStore leader = openGroup(UnsafeSwitches.NONE.withEngineFloor());
        RaftPaymentStore follower = follower(leader);
        assertThat(leader.syncFromChain(chain(1))).isInstanceOf(Synced.class);
        assertThat(leader.syncFromChain(chain(2))).isInstanceOf(Synced.class);

        assertThat(leader.claim(claim(1, 10))).isInstanceOf(Accepted.class);
        assertThat(follower.claim(claim(2, 10))).isInstanceOf(Accepted.class);

        assertAsSynced(leader.channel(ChannelId.of(1)).orElseThrow());
        assertAsSynced(leader.channel(ChannelId.of(2)).orElseThrow());
    }

    @Test
    void withoutTheFloorTheSameClaimsChangeTheChannels() {
        RaftPaymentStore leader = openGroup(UnsafeSwitches.NONE);
        RaftPaymentStore follower = follower(leader);
        assertThat(leader.syncFromChain(chain(1))).isInstanceOf(Synced.class);
        assertThat(leader.syncFromChain(chain(2))).isInstanceOf(Synced.class);

        assertThat(leader.claim(claim(1, 10))).isInstanceOf(Accepted.class);
        assertThat(follower.claim(claim(2, 10))).isInstanceOf(Accepted.class);

        assertThat(leader.channel(ChannelId.of(1)).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.TEN);
        assertThat(leader.channel(ChannelId.of(2)).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.TEN);
    }

    private static void assertAsSynced(ChannelState state) {
        assertThat(state.nonce()).isEqualTo(BigInteger.ZERO);
        assertThat(state.authorizedAmount()).isEqualTo(BigInteger.ZERO);
        assertThat(state.signature()).isEmpty();
    }

    /** Opens three nodes with {@code switches} on each and returns the leader once every node knows it. */
    private RaftPaymentStore openGroup(UnsafeSwitches switches) {
        for (int index = 0; index < members.size(); index++) {
            opened.add(RaftPaymentStore.open(UnsafeSwitches.on(RaftStoreConfig.builder()
                    .unsafePlaintext()
                    .groupId(RaftPaymentStoreTest.GROUP)
                    .raftGroup("floor-" + members.get(0).port())
                    .self(members.get(index))
                    .members(members)
                    .dataDir(dataDir.resolve("node" + index))
                    .electionTimeout(Duration.ofMillis(300))
                    .maxElectionDelay(Duration.ofMillis(100))
                    .requestTimeout(Duration.ofSeconds(10)), switches).build()));
        }
        await().atMost(WAIT).until(() -> opened.stream().filter(s -> s.status().isLeader()).count() == 1
                && opened.stream().allMatch(s -> s.status().leader().isPresent()));
        return opened.stream().filter(s -> s.status().isLeader()).findFirst().orElseThrow();
    }

    private RaftPaymentStore follower(RaftPaymentStore leader) {
        return opened.stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    private static Member member() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Member("127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
