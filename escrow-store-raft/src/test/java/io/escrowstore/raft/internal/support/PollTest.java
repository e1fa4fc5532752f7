package io.escrowstore.raft.internal.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Repeating an action while a step is pending: how often, and that it stops with the step. */
class PollTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final Poll poll = new Poll(scheduler, Runnable::run);

    PollTest() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Waits until the scheduler's one thread has run everything due within {@code millis}. */
    private void drain(long millis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.schedule(() -> done.complete(null), millis, TimeUnit.MILLISECONDS);
        done.join();
    }

    @AfterEach
    void close() {
        scheduler.shutdownNow();
    }

    @Test
    void theActionRepeatsWhileTheStepIsPendingAndNeverAfterItCompletes() {
        CompletableFuture<String> step = new CompletableFuture<>();
        AtomicInteger runs = new AtomicInteger();

        assertThat(poll.repeatWhilePending(step, 5, runs::incrementAndGet)).isSameAs(step);
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
        step.complete("done");
        drain(0);
        int afterCompletion = runs.get();
        drain(100);

        assertThat(runs.get()).as("no run once the step has completed").isEqualTo(afterCompletion);
        assertThat(scheduler.getQueue()).as("the repetition was cancelled with the step").isEmpty();
    }

    @Test
    void theFirstRunWaitsOneInterval() {
        CompletableFuture<String> step = new CompletableFuture<>();
        AtomicInteger runs = new AtomicInteger();

        poll.repeatWhilePending(step, 60_000, runs::incrementAndGet);
        step.complete("done");

        assertThat(runs.get()).isZero();
        assertThat(scheduler.getQueue()).as("the repetition was cancelled with the step").isEmpty();
    }

    @Test
    void aCompletedStepRepeatsNothing() {
        AtomicInteger runs = new AtomicInteger();

        poll.repeatWhilePending(CompletableFuture.completedFuture("done"), 1, runs::incrementAndGet);

        assertThat(scheduler.getQueue()).isEmpty();
        assertThat(runs.get()).isZero();
    }

    @Test
    void aStoppedSchedulerRepeatsNothingAndLeavesTheStepAlone() {
        scheduler.shutdown();
        CompletableFuture<String> step = new CompletableFuture<>();

        assertThat(poll.repeatWhilePending(step, 1, () -> { })).isSameAs(step);
        assertThat(step).isNotDone();
    }
}
