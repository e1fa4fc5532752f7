package io.escrowstore.testkit;

import java.time.Duration;

/**
 * How much work a linearizability search may do: steps (model evaluations and backtracks) and
 * wall time, shared by every channel of one check. Running out is a failed check, never a pass.
 */
final class SearchBudget {
    private final long maxSteps;
    private final long deadlineNanos;
    private long steps;

    SearchBudget(long maxSteps, Duration maxTime) {
        this.maxSteps = maxSteps;
        this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    }

    /** Counts one step; false once the steps or the time are used up. */
    boolean step() {
        steps++;
        return steps <= maxSteps && ((steps & 1023) != 0 || System.nanoTime() - deadlineNanos < 0);
    }

    long steps() {
        return steps;
    }

    boolean exhausted() {
        return steps > maxSteps || System.nanoTime() - deadlineNanos >= 0;
    }
}
