package io.escrowstore.testkit.bench;

/**
 * A span of a run in this JVM's {@link System#nanoTime()}: a call belongs to it if it started at
 * or after {@code fromNanos} and ended by {@code toNanos}. An empty window ({@code to <= from})
 * holds no call.
 */
record Window(long fromNanos, long toNanos) {

    boolean holds(long startNanos, long endNanos) {
        return startNanos >= fromNanos && endNanos <= toNanos && toNanos > fromNanos;
    }

    /** The first {@code nanos} of the load, but no longer than its warm-up (the cold window of a run). */
    static Window cold(long loadStartNanos, long measureFromNanos, long nanos) {
        return new Window(loadStartNanos, Math.min(measureFromNanos, loadStartNanos + nanos));
    }
}
