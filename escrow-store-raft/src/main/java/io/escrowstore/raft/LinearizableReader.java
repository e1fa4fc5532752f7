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
import java.util.function.Supplier;

/**
 * Linearizable reads through Raft read-index: the leader confirms with a majority that it still
 * leads, and this node (leader or follower) answers once it has applied up to the leader's commit
 * index. No clocks or leases are involved. Reads have no side effects, so failures are retried
 * until the deadline and then reported as {@link NoQuorumException}.
 *
 * <p>The deadline is one task on the store's scheduler ({@link Expiry}), cancelled (and removed)
 * when the read ends. jraft's own per-read timeout is not used: its timer keeps every read, answered or not,
 * until the timeout passes.
 */
final class LinearizableReader {
    private static final byte[] NO_CONTEXT = new byte[0];
    /** jraft: a negative timeout registers no timer for the read. */
    private static final long NO_JRAFT_TIMEOUT = -1;

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
     * started, confirmed by a majority. Completes within the timeout.
     *
     * @param what names the read in error messages
     */
    <T> CompletableFuture<T> read(Supplier<T> localRead, String what) {
        Read<T> read = new Read<>(localRead, what, Deadline.after(timeout));
        pending.add(read.result);
        if (closed) {
            pending.remove(read.result);
            read.result.completeExceptionally(new StoreClosedException("store is closed"));
            return read.result;
        }
        if (!Expiry.arm(scheduler, timeout, read.result, () -> expire(read))) {
            pending.remove(read.result);
            read.result.completeExceptionally(new StoreClosedException("store is shutting down"));
            return read.result;
        }
        read.result.whenComplete((value, error) -> pending.remove(read.result));
        attempt(read);
        return read.result;
    }

    private <T> void attempt(Read<T> read) {
        if (read.result.isDone()) {
            return;
        }
        node.readIndex(NO_CONTEXT, new ReadIndexClosure(NO_JRAFT_TIMEOUT) {
            @Override
            public void run(Status status, long index, byte[] context) {
                if (status.isOk()) {
                    answer(read);
                    return;
                }
                read.lastFailure = status.getErrorMsg();
                if (!read.backoff.retry(read.deadline, scheduler, executor, () -> attempt(read))) {
                    complete(read.result, null, new StoreClosedException("store is shutting down"));
                }
            }
        });
    }

    private <T> void answer(Read<T> read) {
        T value;
        try {
            value = read.localRead.get();
        } catch (RuntimeException e) {
            complete(read.result, null, e);
            return;
        }
        complete(read.result, value, null);
    }

    private void expire(Read<?> read) {
        if (!read.result.isDone()) {
            complete(read.result, null, new NoQuorumException("linearizable read of " + read.what + " failed within "
                    + timeout.toMillis() + " ms: " + read.lastFailure));
        }
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

    /** One caller's read across its attempts. */
    private static final class Read<T> {
        final Supplier<T> localRead;
        final String what;
        final Deadline deadline;
        final Backoff backoff = new Backoff();
        final CompletableFuture<T> result = new CompletableFuture<>();
        volatile String lastFailure = "no attempt finished";

        Read(Supplier<T> localRead, String what, Deadline deadline) {
            this.localRead = localRead;
            this.what = what;
            this.deadline = deadline;
        }
    }
}
