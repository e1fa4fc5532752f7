package io.escrowstore.raft.internal.support;

import java.time.Duration;
import io.escrowstore.raft.TimeSource;

/** A point in {@code clock}'s monotonic time ({@link TimeSource#nanoTime()}) by which a call must complete. */
public record Deadline(TimeSource clock, long atNanos) {

    public static Deadline after(TimeSource clock, Duration timeout) {
        return new Deadline(clock, clock.nanoTime() + timeout.toNanos());
    }

    public long remainingNanos() {
        return atNanos - clock.nanoTime();
    }

    public long remainingMillis() {
        return Math.max(0, remainingNanos() / 1_000_000);
    }

    public boolean expired() {
        return remainingNanos() <= 0;
    }

    /** This deadline brought forward by {@code nanos}. */
    public Deadline earlier(long nanos) {
        return new Deadline(clock, atNanos - nanos);
    }

    /** Whichever of this deadline and {@code other} comes first. */
    public Deadline orEarlier(Deadline other) {
        return other.atNanos - atNanos < 0 ? other : this;
    }
}
