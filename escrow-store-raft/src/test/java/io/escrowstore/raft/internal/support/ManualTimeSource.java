package io.escrowstore.raft.internal.support;

import java.time.Duration;
import io.escrowstore.raft.TimeSource;

/** A {@link TimeSource} for tests: a monotonic clock that moves only when told, and a wall clock offset from it. */
public final class ManualTimeSource implements TimeSource {
    private long nanos;
    private long wallAtZeroMillis;

    /** @param wallMillis the wall clock's reading now */
    public ManualTimeSource(long wallMillis) {
        this.wallAtZeroMillis = wallMillis;
    }

    /** Real time passes: both clocks move by {@code duration}. */
    public synchronized void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    /** The wall clock is set {@code by} off (positive: ahead); the monotonic clock is untouched. */
    public synchronized void skew(Duration by) {
        wallAtZeroMillis += by.toMillis();
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return wallAtZeroMillis + nanos / 1_000_000;
    }
}
