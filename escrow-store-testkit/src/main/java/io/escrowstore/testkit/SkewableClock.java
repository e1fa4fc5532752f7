package io.escrowstore.testkit;

import io.escrowstore.raft.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's clocks in an {@link EscrowCluster}: the system's monotonic clock, which runs at the
 * real rate, and the system's wall clock set off by a skew a test chooses ({@link #skew}), as a
 * badly set server clock would be. Thread-safe.
 */
public final class SkewableClock implements TimeSource {
    private final AtomicLong skewMillis = new AtomicLong();

    /** From now on this node's wall clock reads {@code skew} off the real time (negative: behind). */
    public void skew(Duration skew) {
        skewMillis.set(skew.toMillis());
    }

    /** The wall clock's current skew. */
    public Duration skew() {
        return Duration.ofMillis(skewMillis.get());
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis() + skewMillis.get();
    }

    @Override
    public String toString() {
        return "system clock skewed by " + skew();
    }
}
