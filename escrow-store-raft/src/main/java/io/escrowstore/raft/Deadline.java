package io.escrowstore.raft;

import java.time.Duration;

/** A point in {@link System#nanoTime()} time by which a call must complete. */
record Deadline(long atNanos) {

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    long remainingMillis() {
        return Math.max(0, remainingNanos() / 1_000_000);
    }

    boolean expired() {
        return remainingNanos() <= 0;
    }
}
