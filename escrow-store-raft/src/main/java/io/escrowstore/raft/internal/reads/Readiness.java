package io.escrowstore.raft.internal.reads;

import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.internal.support.Handoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits until a node can serve, for {@code RaftPaymentStore.ready()}: repeats a linearizable read of
 * the node's status until one succeeds. A read succeeds only once a leader backed by a majority
 * confirmed a read index after the read began and this node applied up to it, so no polling of
 * leader or index is needed. Each read is bounded by the request timeout; a read that found no
 * quorum ({@link NoQuorumException}) or a busy node ({@link StoreOverloadedException}) is followed
 * by another after {@code pause}, because the first election may take longer than one read. Any
 * other failure (closed, stopped) ends the wait with it; cancelling the returned future stops it.
 * The returned future is completed on the store's executor ({@link Handoff}), never on a Raft or
 * timer thread.
 */
public final class Readiness {
    private final Supplier<CompletableFuture<StoreStatus>> linearizableStatus;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration pause;

    /**
     * @param linearizableStatus a linearizable read of this node's status
     * @param scheduler runs the next attempt after {@code pause}
     * @param executor the store's callback executor, which completes the returned future
     */
    public Readiness(Supplier<CompletableFuture<StoreStatus>> linearizableStatus, ScheduledExecutorService scheduler,
            Executor executor, Duration pause) {
        this.linearizableStatus = linearizableStatus;
        this.scheduler = scheduler;
        this.executor = executor;
        this.pause = pause;
    }

    /** A future completed with the node's status once a read succeeded. */
    public CompletableFuture<StoreStatus> await() {
        CompletableFuture<StoreStatus> ready = new CompletableFuture<>();
        attempt(ready);
        return ready;
    }

    private void attempt(CompletableFuture<StoreStatus> ready) {
        if (ready.isDone()) {
            return;
        }
        CompletableFuture<StoreStatus> read;
        try {
            read = linearizableStatus.get();
        } catch (RuntimeException e) {
            fail(ready, e);
            return;
        }
        read.whenComplete((status, error) -> {
            Throwable failure = error instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : error;
            if (failure == null) {
                Handoff.run(executor, () -> ready.complete(status));
            } else if (failure instanceof NoQuorumException || failure instanceof StoreOverloadedException) {
                retryLater(ready);
            } else {
                fail(ready, failure);
            }
        });
    }

    private void retryLater(CompletableFuture<StoreStatus> ready) {
        try {
            scheduler.schedule(() -> attempt(ready), pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            fail(ready, new StoreClosedException("store is shutting down"));
        }
    }

    private void fail(CompletableFuture<StoreStatus> ready, Throwable failure) {
        Handoff.run(executor, () -> ready.completeExceptionally(failure));
    }
}
