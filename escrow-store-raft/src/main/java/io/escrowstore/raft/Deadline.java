package io.escrowstore.raft;

import java.time.Duration;

/** A point in {@code clock}'s monotonic time ({@link TimeSource#nanoTime()}) by which a call must complete. */
record Deadline(TimeSource clock, long atNanos) {

    static Deadline after(TimeSource clock, Duration timeout) {
        return new Deadline(clock, clock.nanoTime() + timeout.toNanos());
    }

    long remainingNanos() {
        return atNanos - clock.nanoTime();
    }

    long remainingMillis() {
        return Math.max(0, remainingNanos() / 1_000_000);
    }

    boolean expired() {
        return remainingNanos() <= 0;
    }

    /** This deadline brought forward by {@code nanos}. */
    Deadline earlier(long nanos) {
        return new Deadline(clock, atNanos - nanos);
    }

    /** Whichever of this deadline and {@code other} comes first. */
    Deadline orEarlier(Deadline other) {
        return other.atNanos - atNanos < 0 ? other : this;
    }
}
