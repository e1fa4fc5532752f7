package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Linearizable reads through Raft read-index: the leader confirms with a majority that it still
 * leads, and this node (leader or follower) answers once it has applied up to the leader's commit
 * index. No clocks or leases are involved. Reads have no side effects, so failures are retried
 * until the deadline and then reported as {@link NoQuorumException}.
 */
final class LinearizableReader {
    private static final byte[] NO_CONTEXT = new byte[0];

    private final Node node;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration timeout;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LinearizableReader(Node node, ScheduledExecutorService scheduler, Executor executor, Duration timeout) {
        this.node = node;
        this.scheduler = scheduler;
        this.executor = executor;
        this.timeout = timeout;
    }

    /**
     * Runs {@code localRead} on this node once it has applied everything committed before the call
     * started, confirmed by a majority.
     *
     * @param what names the read in error messages
     */
    <T> CompletableFuture<T> read(Supplier<T> localRead, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((value, error) -> pending.remove(result));
        if (closed) {
            result.completeExceptionally(new StoreClosedException("store is closed"));
            return result;
        }
        attempt(localRead, what, Deadline.after(timeout), new Backoff(), result, "no attempt finished");
        return result;
    }

    private <T> void attempt(Supplier<T> localRead, String what, Deadline deadline, Backoff backoff,
            CompletableFuture<T> result, String lastFailure) {
        if (result.isDone()) {
            return;
        }
        if (deadline.expired()) {
            complete(result, null, new NoQuorumException("linearizable read of " + what + " failed within "
                    + timeout.toMillis() + " ms: " + lastFailure));
            return;
        }
        node.readIndex(NO_CONTEXT, new ReadIndexClosure(Math.max(1, deadline.remainingMillis())) {
            @Override
            public void run(Status status, long index, byte[] context) {
                if (status.isOk()) {
                    T value;
                    try {
                        value = localRead.get();
                    } catch (RuntimeException e) {
                        complete(result, null, e);
                        return;
                    }
                    complete(result, value, null);
                    return;
                }
                long delay = backoff.nextMillis();
                try {
                    scheduler.schedule(() -> executor.execute(
                            () -> attempt(localRead, what, deadline, backoff, result, status.getErrorMsg())),
                            delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    complete(result, null, new StoreClosedException("store is shutting down"));
                }
            }
        });
    }

    /** Fails every pending read with {@link StoreClosedException}; later reads fail at once. */
    void close() {
        closed = true;
        for (CompletableFuture<?> read : pending) {
            read.completeExceptionally(new StoreClosedException("store closed during the read"));
        }
    }

    private <T> void complete(CompletableFuture<T> result, T value, RuntimeException failure) {
        Runnable completion = failure == null ? () -> result.complete(value) : () -> result.completeExceptionally(failure);
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }
}
