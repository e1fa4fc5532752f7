package io.escrowstore.testkit.demo;

import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.testkit.EscrowCluster;
import io.escrowstore.testkit.TestChannels;

/**
 * The smallest program that uses the store: a 3-node cluster, one channel, three claims, each
 * result on standard output. Everything else it prints goes to standard error, which makes it
 * the yardstick for the log volume a service sees (docs/operations.md, "Logs").
 */
public final class ThreeClaims {
    private ThreeClaims() {
    }

    public static void main(String[] args) {
        try (EscrowCluster cluster = EscrowCluster.builder().start()) {
            RaftPaymentStore store = cluster.node(cluster.awaitLeader());
            TestChannels.openAll(store, cluster.groupId(), 1_000, 42);
            for (int i = 1; i <= 3; i++) {
                System.out.println(store.claim(TestChannels.claim(42, 0, 10L * i, 10)));
            }
        }
    }
}
