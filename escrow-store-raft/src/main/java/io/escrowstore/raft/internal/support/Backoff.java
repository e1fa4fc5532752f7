package io.escrowstore.raft.internal.support;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Delays between retries of one call: doubling from 2 ms up to 50 ms. */
public final class Backoff {
    private static final long FIRST_MILLIS = 2;
    private static final long MAX_MILLIS = 50;
    private long next = FIRST_MILLIS;

    long nextMillis() {
        long current = next;
        next = Math.min(MAX_MILLIS, next * 2);
        return current;
    }

    /**
     * Runs {@code attempt} on {@code executor} after the next delay, unless {@code deadline} comes
     * first: then nothing is scheduled and the call's own expiry answers it. The scheduler only
     * waits; attempts may block on connecting, so they never run on its thread.
     *
     * @return false if the scheduler refused the retry because it is shutting down
     */
    public boolean retry(Deadline deadline, ScheduledExecutorService scheduler, Executor executor, Runnable attempt) {
        long delay = nextMillis();
        if (deadline.remainingNanos() <= TimeUnit.MILLISECONDS.toNanos(delay)) {
            return true;
        }
        try {
            scheduler.schedule(() -> executor.execute(attempt), delay, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
