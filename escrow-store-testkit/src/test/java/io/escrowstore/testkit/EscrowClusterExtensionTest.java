package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EscrowClusterExtensionTest {
    @RegisterExtension
    static final EscrowClusterExtension SHARED = EscrowClusterExtension.nodes(3);

    @Test
    @Order(1)
    void aTestMayLeaveANodeStopped() {
        SHARED.cluster().awaitLeader();
        SHARED.cluster().stop(2);
        assertThat(SHARED.cluster().isRunning(2)).isFalse();
    }

    @Test
    @Order(2)
    void theNextTestFindsEveryNodeRunningAgain() {
        assertThat(SHARED.cluster().running()).containsExactly(0, 1, 2);
    }

    @Test
    @Order(3)
    void closedClusterLeavesNoNodeBehindAndRejectsUse() {
        EscrowCluster cluster = EscrowCluster.builder().nodes(1).start();
        cluster.awaitLeader();
        cluster.close();
        assertThatThrownBy(() -> cluster.node(0)).isInstanceOf(IllegalStateException.class);
    }
}
