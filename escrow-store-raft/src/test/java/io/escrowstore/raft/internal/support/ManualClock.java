package io.escrowstore.raft.internal.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.escrowstore.raft.TimeSource;

/**
 * A clock that moves only when a test says so, and a scheduler on that clock: {@link #advance}
 * moves time and runs, on the test's thread and in time order, every task that has come due.
 * Only one-shot scheduling is supported; it is what deadlines and backoff use.
 */
public final class ManualClock extends AbstractExecutorService implements TimeSource, ScheduledExecutorService {
    private final List<Timed<?>> tasks = new ArrayList<>();
    private long nanos = 1_000_000_000L;
    private long sequence;
    private boolean shutdown;

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return nanos / 1_000_000;
    }

    /** Moves time forward by {@code step}, running each task due by then at its own time. */
    public void advance(Duration step) {
        long until;
        synchronized (this) {
            until = nanos + step.toNanos();
        }
        Timed<?> next;
        while ((next = takeDue(until)) != null) {
            next.run();
            next.rethrowFailure();
        }
        synchronized (this) {
            nanos = until;
        }
    }

    /** Moves time forward by {@code step} without running anything: a scheduler running late. */
    public synchronized void advanceWithoutRunningTasks(Duration step) {
        nanos += step.toNanos();
    }

    private synchronized Timed<?> takeDue(long until) {
        tasks.removeIf(Timed::isDone);
        Timed<?> first = tasks.stream().min(Comparator.comparingLong((Timed<?> t) -> t.due).thenComparingLong(t -> t.order))
                .orElse(null);
        if (first == null || first.due > until) {
            return null;
        }
        tasks.remove(first);
        nanos = Math.max(nanos, first.due);
        return first;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(new Timed<>(() -> {
            command.run();
            return null;
        }, nanos + unit.toNanos(delay), sequence++));
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(new Timed<>(callable, nanos + unit.toNanos(delay), sequence++));
    }

    private <V> Timed<V> add(Timed<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("manual clock shut down");
        }
        tasks.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("repeating tasks");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("repeating tasks");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Timed<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long due;
        final long order;

        Timed(Callable<V> callable, long due, long order) {
            super(callable);
            this.due = due;
            this.order = order;
        }

        /** Fails the test's thread as the task failed, so no failure goes unseen. */
        void rethrowFailure() {
            if (isCancelled()) {
                return;
            }
            try {
                get();
            } catch (ExecutionException e) {
                throw new AssertionError("scheduled task failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
