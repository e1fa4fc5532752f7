package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.ChannelId;
import io.escrowstore.ReadConsistency;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link EscrowCluster#awaitReady()}: every running node can serve, or an assertion failure naming the node. */
class EscrowClusterReadinessTest {

    @Test
    void awaitReadyReturnsOnceEveryRunningNodeKnowsALeaderAndAppliedWhatWasCommitted() {
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(3).start()) {
            cluster.awaitReady();
            TestChannels.openAll(cluster.node(0), cluster.groupId(), 1_000, 7);

            cluster.awaitReady();

            for (int i = 0; i < cluster.size(); i++) {
                assertThat(cluster.node(i).status().leader()).as("node %d knows the leader", i).isPresent();
                assertThat(cluster.node(i).channel(ChannelId.of(7), ReadConsistency.LOCAL))
                        .as("node %d applied the channel opened before it was asked", i).isPresent();
            }
        }
    }

    @Test
    void awaitReadyFailsWithTheNodeAndItsViewWhenOnlyAMinorityRuns() {
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(3).awaitTimeout(Duration.ofSeconds(2)).start()) {
            cluster.stop(1);
            cluster.stop(2);

            assertThatThrownBy(cluster::awaitReady)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("node 0 not ready within 2000 ms");
        }
    }
}
