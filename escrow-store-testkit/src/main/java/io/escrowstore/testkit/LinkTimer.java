package io.escrowstore.testkit;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM-wide timer of fault injection: it delivers delayed messages and fails lost calls at
 * their deadline. It never sleeps on a caller's thread. A daemon thread, started on first use.
 */
final class LinkTimer {
    private static final Logger LOG = LoggerFactory.getLogger(LinkTimer.class);
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private LinkTimer() {
    }

    /** Runs {@code task} on the timer thread at {@link System#nanoTime()} {@code atNanos} (at once if past). */
    static void at(long atNanos, Runnable task) {
        long delay = Math.max(0, atNanos - System.nanoTime());
        TIMER.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("fault-injection timer task failed", e);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "escrow-testkit-link-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
