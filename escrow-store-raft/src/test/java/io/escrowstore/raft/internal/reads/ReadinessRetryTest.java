package io.escrowstore.raft.internal.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Readiness}: which read failures it asks again after, and what ends it. */
class ReadinessRetryTest {
    private static final Member SELF = new Member("127.0.0.1", 7001);
    private static final StoreStatus READY = new StoreStatus(SELF, Optional.of(SELF), 1, List.of(SELF), 5);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger reads = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Readiness readiness(CompletableFuture<?>... answers) {
        return new Readiness(() -> {
            @SuppressWarnings("unchecked")
            CompletableFuture<StoreStatus> answer = (CompletableFuture<StoreStatus>) answers[
                    Math.min(reads.getAndIncrement(), answers.length - 1)];
            return answer;
        }, scheduler, Runnable::run, Duration.ofMillis(1));
    }

    @Test
    void asksAgainAfterNoQuorumOrOverloadUntilAReadSucceeds() {
        Readiness readiness = readiness(CompletableFuture.failedFuture(new NoQuorumException("no leader")),
                CompletableFuture.failedFuture(new StoreOverloadedException("busy")),
                CompletableFuture.completedFuture(READY));

        assertThat(readiness.await()).succeedsWithin(Duration.ofSeconds(10)).isSameAs(READY);
        assertThat(reads).hasValue(3);
    }

    @Test
    void aClosedStoreEndsTheWaitAtOnce() {
        Readiness readiness = readiness(CompletableFuture.failedFuture(new StoreClosedException("closed")));

        assertThat(readiness.await()).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(StoreClosedException.class);
        assertThat(reads).hasValue(1);
    }

    @Test
    void cancellingTheFutureStopsAsking() {
        Readiness readiness = readiness(CompletableFuture.failedFuture(new NoQuorumException("no leader")));
        CompletableFuture<StoreStatus> ready = readiness.await();
        await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() >= 3);

        ready.cancel(false);
        int afterCancel = reads.get();

        // at most the attempt already scheduled when it was cancelled, never a read after it
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10))
                .until(() -> reads.get() <= afterCancel + 1);
    }
}
