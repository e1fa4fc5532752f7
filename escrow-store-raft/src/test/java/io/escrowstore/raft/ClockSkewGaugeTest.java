package io.escrowstore.raft;

import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Reserved;
import io.escrowstore.Synced;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running leader whose wall clock jumps ahead: log time does not follow it, and the gauge shows the skew. */
class ClockSkewGaugeTest {
    private static final long ELEVEN_MINUTES = Duration.ofMinutes(11).toMillis();
    /** Slack for the time between reading the clock in the test and in the store on a loaded machine. */
    private static final double SLACK_MILLIS = 5_000;

    @TempDir
    Path dataDir;

    private final AtomicLong skewMillis = new AtomicLong();
    private RaftPaymentStore store;
    private EscrowStoreMetrics metrics;

    private final TimeSource skewable = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis() + skewMillis.get();
        }
    };

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void leaderClockJumpingElevenMinutesAheadMovesTheSkewGaugeButNotLogTime() {
        store = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir, ClusterAdminSingleNodeTest.freePort())
                .toBuilder().timeSource(skewable).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
        MeterRegistry registry = new SimpleMeterRegistry();
        metrics = new EscrowStoreMetrics(store);
        metrics.bindTo(registry);
        assertThat(store.syncFromChain(RaftPaymentStoreTest.chain(1))).isInstanceOf(Synced.class);
        double before = registry.get("escrow.clock.skew.millis").gauge().value();

        skewMillis.set(ELEVEN_MINUTES);
        long calledAt = System.currentTimeMillis();
        Reserved held = (Reserved) store.reserve(RaftPaymentStoreTest.claim(1, 10), Duration.ofSeconds(30));

        assertThat(before).isCloseTo(0, within(SLACK_MILLIS));
        assertThat(registry.get("escrow.clock.skew.millis").gauge().value()).isCloseTo(ELEVEN_MINUTES,
                within(SLACK_MILLIS));
        assertThat((double) held.expiresAt().toEpochMilli()).as("lease end in log time, which ignored the jump")
                .isCloseTo(calledAt + 30_000, within(SLACK_MILLIS));
    }
}
