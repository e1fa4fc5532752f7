package io.escrowstore.raft.internal.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The deadline task of one call: it answers a call still running at its timeout and no other. */
public final class Expiry {
    private Expiry() {
    }

    /**
     * Runs {@code expire} on {@code scheduler} once {@code timeout} has passed. The task is
     * cancelled when {@code call} completes, so on a scheduler that removes cancelled tasks a
     * finished call does not wait in its queue until the timeout.
     *
     * @return false if the scheduler refused the task because it is shutting down (nothing is scheduled)
     */
    public static boolean arm(ScheduledExecutorService scheduler, Duration timeout, CompletableFuture<?> call, Runnable expire) {
        ScheduledFuture<?> task;
        try {
            task = scheduler.schedule(expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return false;
        }
        call.whenComplete((result, error) -> task.cancel(false));
        return true;
    }
}
