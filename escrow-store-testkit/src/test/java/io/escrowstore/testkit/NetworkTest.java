package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.ChannelId;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.NoQuorumException;
import io.escrowstore.Synced;
import io.escrowstore.raft.RaftPaymentStore;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Link faults as a cluster of real nodes sees them. */
class NetworkTest {
    private static final long PRICE = 10;

    @RegisterExtension
    final EscrowClusterExtension extension = EscrowClusterExtension.configured(
            builder -> builder.nodes(3).requestTimeout(Duration.ofSeconds(1)));

    private EscrowCluster cluster() {
        return extension.cluster();
    }

    private void open(long channel) {
        assertThat(cluster().anyNode().syncFromChain(TestChannels.opened(cluster().groupId(), channel, 1_000_000)))
                .isInstanceOf(Synced.class);
    }

    @Test
    void isolatedLeaderIsReplacedAndNothingSentThroughItIsAccepted() {
        int leader = cluster().awaitLeader();
        open(1);
        cluster().network().isolate(leader);
        int successor = cluster().awaitNewLeader(leader);
        assertThat(cluster().node(successor).claim(TestChannels.claim(1, 0, PRICE, PRICE)).isAccepted()).isTrue();

        RaftPaymentStore isolated = cluster().node(leader);
        assertThatThrownBy(() -> isolated.claim(TestChannels.claim(1, 0, 2 * PRICE, PRICE)))
                .isInstanceOf(EscrowStoreException.class);
        assertThatThrownBy(() -> isolated.channel(ChannelId.of(1))).isInstanceOf(NoQuorumException.class);

        cluster().network().heal();
        cluster().awaitConvergence();
        assertThat(isolated.channel(ChannelId.of(1)).orElseThrow().authorizedAmount())
                .as("the isolated node's attempt was never applied").isEqualTo(BigInteger.valueOf(PRICE));
        assertThat(cluster().network().callsAttributed()).isPositive();
        assertThat(cluster().network().callsUnattributed()).as("calls that bypassed the link table").isZero();
        assertThat(cluster().network().callsMisattributed()).as("owner differing from the named sender").isZero();
    }

    @Test
    void oneWayCutFromTheLeaderSilencesOneFollowerWithoutDisturbingTheLeader() {
        int leader = cluster().awaitLeader();
        open(1);
        int follower = cluster().follower();
        cluster().network().cut(leader, follower);
        Awaiting.noLeaderKnownTo(cluster().node(follower));
        assertThat(cluster().leader()).as("its pre-votes win nothing").contains(leader);
        assertThat(cluster().node(leader).claim(TestChannels.claim(1, 0, PRICE, PRICE)).isAccepted()).isTrue();
        assertThatThrownBy(() -> cluster().node(follower).claim(TestChannels.claim(1, 0, 2 * PRICE, PRICE)))
                .isInstanceOf(NoQuorumException.class);
        assertThat(cluster().network().describe()).isEqualTo(leader + "→" + follower + " cut");
    }

    @Test
    void crashedLeaderCannotHandOverSoTheOthersElectAfterATimeout() {
        int leader = cluster().awaitLeader();
        open(1);
        cluster().crash(leader);
        assertThat(cluster().isRunning(leader)).isFalse();
        assertThat(cluster().network().healthy()).as("links restored for the restart").isTrue();
        int successor = cluster().awaitNewLeader(leader);
        assertThat(cluster().node(successor).claim(TestChannels.claim(1, 0, PRICE, PRICE)).isAccepted()).isTrue();
    }

    @Test
    void ringAndBridgeNeedFiveNodes() {
        assertThatThrownBy(() -> cluster().network().majorityRing(new Random(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("5 nodes");
        assertThatThrownBy(() -> cluster().network().bridge(new Random(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("5 nodes");
    }
}
