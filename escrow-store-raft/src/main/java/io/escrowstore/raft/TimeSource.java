package io.escrowstore.raft;

/**
 * The one source of time a store node reads: a monotonic clock for deadlines, backoff and waits,
 * and a wall clock for the leader's log-time stamps. The default is the system's; tests replace it
 * to drive deadlines and clock skew without sleeping.
 *
 * <p>Implementations must be thread-safe and {@link #nanoTime()} must never go backwards.
 */
public interface TimeSource {

    /** The system clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return "system";
        }
    };

    /** Monotonic time in nanoseconds, with the meaning of {@link System#nanoTime()}. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch; may jump and may be wrong. */
    long currentTimeMillis();
}
