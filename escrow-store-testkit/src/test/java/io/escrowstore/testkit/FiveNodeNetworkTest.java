package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shapes of the 5-node partitions, as link tables (no nodes need to run). */
class FiveNodeNetworkTest {
    private final EscrowCluster cluster = EscrowCluster.builder().nodes(5).build();

    @AfterEach
    void close() {
        cluster.close();
    }

    private boolean linked(int a, int b) {
        LinkTable table = cluster.network().table();
        return !table.rule(a, b).cut() && !table.rule(b, a).cut();
    }

    @Test
    void majorityRingLinksEachNodeToExactlyItsTwoNeighbours() {
        List<Integer> ring = cluster.network().majorityRing(new Random(3));
        for (int i = 0; i < 5; i++) {
            int node = ring.get(i);
            long reachable = ring.stream().filter(other -> other != node && linked(node, other)).count();
            assertThat(reachable).as("node %d sees itself and 2 others: a majority", node).isEqualTo(2);
            assertThat(linked(node, ring.get((i + 1) % 5))).isTrue();
        }
    }

    @Test
    void bridgeReachesBothPairsWhichCannotReachEachOther() {
        int bridge = cluster.network().bridge(new Random(5));
        for (int other = 0; other < 5; other++) {
            if (other != bridge) {
                assertThat(linked(bridge, other)).isTrue();
            }
        }
        long cutPairs = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                if (a != bridge && b != bridge && !linked(a, b)) {
                    cutPairs++;
                }
            }
        }
        assertThat(cutPairs).as("2 x 2 links cut between the pairs").isEqualTo(4);
    }

    @Test
    void randomHalvesCutEveryLinkAcrossAndNoneWithin() {
        Set<Integer> minority = cluster.network().splitHalves(new Random(11));
        assertThat(minority).hasSize(2);
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                if (a != b) {
                    assertThat(linked(a, b)).isEqualTo(minority.contains(a) == minority.contains(b));
                }
            }
        }
        cluster.network().heal();
        assertThat(cluster.network().healthy()).isTrue();
        assertThat(cluster.network().faultsInjected()).isEqualTo(1);
    }
}
