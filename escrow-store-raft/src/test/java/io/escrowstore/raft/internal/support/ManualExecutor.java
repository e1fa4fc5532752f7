package io.escrowstore.raft.internal.support;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor that only queues: a test runs the queued tasks by hand, in order, on its own thread. */
public final class ManualExecutor implements Executor {
    private final Queue<Runnable> queue = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queue.add(task);
    }

    public synchronized int queued() {
        return queue.size();
    }

    /** Runs queued tasks, including those they queue, until none is left. */
    public void runAll() {
        Runnable next;
        while ((next = poll()) != null) {
            next.run();
        }
    }

    private synchronized Runnable poll() {
        return queue.poll();
    }
}
