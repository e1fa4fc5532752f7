package io.escrowstore.testkit;

import io.escrowstore.raft.RaftPaymentStore;
import java.time.Duration;

/** Waits specific to these tests. */
final class Awaiting {
    private Awaiting() {
    }

    static void noLeaderKnownTo(RaftPaymentStore node) {
        Await.until(Duration.ofSeconds(15), () -> node + " to lose its leader (status " + node.status() + ")",
                () -> node.status().leader().isEmpty());
    }
}
