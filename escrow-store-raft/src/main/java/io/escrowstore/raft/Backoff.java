package io.escrowstore.raft;

/** Delays between retries of one call: doubling from 2 ms up to 50 ms. */
final class Backoff {
    private static final long FIRST_MILLIS = 2;
    private static final long MAX_MILLIS = 50;
    private long next = FIRST_MILLIS;

    long nextMillis() {
        long current = next;
        next = Math.min(MAX_MILLIS, next * 2);
        return current;
    }
}
