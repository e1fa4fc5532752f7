package io.escrowstore.raft.internal.replication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Actions waiting for the state machine to reach a log index. The state machine reports every
 * advance of its applied index ({@link #applied}); an action runs on the thread that reports the
 * index it waits for (the FSM thread), so it must only hand work off.
 */
public final class AppliedIndexWaiters {
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(Comparator.comparingLong(Waiter::index));
    /** Highest index reported; guarded by this. */
    private long applied;

    /**
     * Keeps {@code action} to run once {@code index} is applied.
     *
     * @return false if it is applied already: then the action is not kept and never runs
     */
    public synchronized boolean waitFor(long index, Runnable action) {
        if (index <= applied) {
            return false;
        }
        waiting.add(new Waiter(index, action));
        return true;
    }

    /** Drops {@code action} if it still waits (compared by identity), so it never runs. */
    public synchronized void cancel(Runnable action) {
        waiting.removeIf(waiter -> waiter.action() == action);
    }

    /** Everything up to {@code index} is applied (a lower index than reported before changes nothing). */
    public void applied(long index) {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, index);
            while (!waiting.isEmpty() && waiting.peek().index() <= applied) {
                due.add(waiting.poll().action());
            }
        }
        due.forEach(Runnable::run);
    }

    /** Actions still waiting. */
    public synchronized int waiting() {
        return waiting.size();
    }

    private record Waiter(long index, Runnable action) {
    }
}
