package io.escrowstore.raft.internal.routing;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.support.Expiry;

/**
 * The retry-to-the-leader loop of one service ({@link RequestRouter}, {@link AdminService}): starts
 * {@link LeaderCall}s, arms each one's deadline, runs retries after their backoff on the store's
 * executor (the scheduler only waits), and ends every pending call when the node closes. What a
 * call may answer is decided by the call's own state; see {@link LeaderCall}.
 */
public final class LeaderCalls {
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final TimeSource clock;
    private final Set<LeaderCall<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public LeaderCalls(ScheduledExecutorService scheduler, Executor executor, TimeSource clock) {
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    Executor executor() {
        return executor;
    }

    public TimeSource clock() {
        return clock;
    }

    /**
     * Makes {@code call}'s first attempt, after arming its deadline. On a closed node (or one whose
     * scheduler is shutting down) the call ends at once as closed, having attempted nothing.
     */
    public void start(LeaderCall<?> call) {
        pending.add(call);
        call.result.whenComplete((result, error) -> {
            call.abandoned();
            pending.remove(call);
        });
        if (closed || !Expiry.arm(scheduler, Duration.ofNanos(Math.max(0, call.deadline.remainingNanos())),
                call.result, call::expire)) {
            call.close();
            return;
        }
        call.attempt();
    }

    /** Ends every pending call as {@link LeaderCall.End#CLOSED}; later calls end so at once. */
    public void close() {
        closed = true;
        for (LeaderCall<?> call : pending) {
            call.close();
        }
    }
}
