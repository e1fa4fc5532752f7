package io.escrowstore.raft.internal.support;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Hands work from a Raft, timer or caller thread to the store's executor. */
public final class Handoff {
    private Handoff() {
    }

    /**
     * Runs {@code action} on {@code executor}, or here if the executor refuses it (the store is
     * shutting down), so the action always runs exactly once.
     */
    public static void run(Executor executor, Runnable action) {
        try {
            executor.execute(action);
        } catch (RejectedExecutionException e) {
            action.run();
        }
    }
}
