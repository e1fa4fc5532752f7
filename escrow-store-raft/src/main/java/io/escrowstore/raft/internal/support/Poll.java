package io.escrowstore.raft.internal.support;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Asynchronous bounded polling for admin work (a member catching up, leadership moving): the timer
 * only waits, checks run on the executor, and the result completes no later than the deadline.
 */
public final class Poll {
    private final ScheduledExecutorService scheduler;
    private final Executor executor;

    public Poll(ScheduledExecutorService scheduler, Executor executor) {
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /**
     * Runs {@code check} every {@code intervalMs} until it yields a value, fails, or the deadline
     * passes (then the result fails with {@code onTimeout}'s exception).
     */
    public <T> CompletableFuture<T> until(Supplier<CompletableFuture<Optional<T>>> check, long intervalMs, Deadline deadline,
            Supplier<RuntimeException> onTimeout) {
        CompletableFuture<T> result = new CompletableFuture<>();
        round(check, intervalMs, deadline, onTimeout, result);
        return result;
    }

    /** Like {@link #until} with a synchronous check. */
    public <T> CompletableFuture<T> untilPresent(Supplier<Optional<T>> check, long intervalMs, Deadline deadline,
            Supplier<RuntimeException> onTimeout) {
        return until(() -> CompletableFuture.completedFuture(check.get()), intervalMs, deadline, onTimeout);
    }

    /**
     * Runs {@code action} on the executor every {@code intervalMs}, first one interval from now,
     * until {@code pending} completes; never after it has completed (as far as a check just before
     * each run can tell). Nothing is repeated once the scheduler has shut down.
     *
     * @return {@code pending}
     */
    public <T> CompletableFuture<T> repeatWhilePending(CompletableFuture<T> pending, long intervalMs, Runnable action) {
        if (pending.isDone()) {
            return pending;
        }
        try {
            ScheduledFuture<?> repeat = scheduler.scheduleWithFixedDelay(() -> executor.execute(() -> {
                if (!pending.isDone()) {
                    action.run();
                }
            }), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            pending.whenComplete((value, error) -> repeat.cancel(false));
        } catch (RejectedExecutionException e) {
            // shutting down: the pending step fails or completes on its own
        }
        return pending;
    }

    private <T> void round(Supplier<CompletableFuture<Optional<T>>> check, long intervalMs, Deadline deadline,
            Supplier<RuntimeException> onTimeout, CompletableFuture<T> result) {
        CompletableFuture<Optional<T>> answer;
        try {
            answer = check.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        answer.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else if (value.isPresent()) {
                result.complete(value.get());
            } else if (deadline.remainingNanos() <= TimeUnit.MILLISECONDS.toNanos(intervalMs)) {
                result.completeExceptionally(onTimeout.get());
            } else {
                try {
                    scheduler.schedule(() -> executor.execute(() -> round(check, intervalMs, deadline, onTimeout, result)),
                            intervalMs, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new io.escrowstore.StoreClosedException("store is shutting down"));
                }
            }
        });
    }
}
