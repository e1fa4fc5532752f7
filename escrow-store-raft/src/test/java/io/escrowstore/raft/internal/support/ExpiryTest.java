package io.escrowstore.raft.internal.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpiryTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    ExpiryTest() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aCallStillRunningAtItsTimeoutIsExpired() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);

        assertThat(Expiry.arm(scheduler, Duration.ofMillis(20), new CompletableFuture<>(), expired::countDown)).isTrue();

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFinishedCallLeavesNoTaskOnTheScheduler() {
        CompletableFuture<String> call = new CompletableFuture<>();
        Expiry.arm(scheduler, Duration.ofMinutes(10), call, () -> { });
        assertThat(scheduler.getQueue()).hasSize(1);

        call.complete("done");

        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.getQueue().isEmpty());
    }

    @Test
    void aSchedulerThatIsShuttingDownArmsNothing() {
        scheduler.shutdown();

        assertThat(Expiry.arm(scheduler, Duration.ofSeconds(1), new CompletableFuture<>(), () -> { })).isFalse();
    }
}
