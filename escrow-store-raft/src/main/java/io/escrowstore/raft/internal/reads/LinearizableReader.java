package io.escrowstore.raft.internal.reads;

import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.replication.AppliedIndexWaiters;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.Expiry;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * Linearizable reads through Raft read-index: the leader confirms a read index with a majority
 * ({@link LeaderReadIndex}, asked through {@link RequestRouter#readIndex} from any node), and this
 * node (leader or follower) reads its own state once it has applied up to that index. No clocks
 * or leases are involved. A read has no side effects: asking for the index is retried until the
 * deadline, then reported as {@link NoQuorumException}: that a read failed never leaves doubt
 * about what it changed, since it changed nothing.
 *
 * <p>The deadline is one task on the store's scheduler ({@link Expiry}), cancelled (and removed)
 * when the read ends. The local read runs on the store's executor, never on a Raft thread.
 */
public final class LinearizableReader {
    private final Function<Deadline, CompletableFuture<Long>> readIndex;
    private final AppliedIndexWaiters applied;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration timeout;
    private final TimeSource clock;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param readIndex asks the leader for a confirmed read index by the read's deadline; fails with
     *     {@link NoQuorumException} if none is confirmed in time
     * @param applied this node's {@link PaymentStateMachine#appliedIndexWaiters}
     * @param clock the node's time source, which the read's deadline is read from
     */
    public LinearizableReader(Function<Deadline, CompletableFuture<Long>> readIndex, AppliedIndexWaiters applied,
            ScheduledExecutorService scheduler, Executor executor, Duration timeout, TimeSource clock) {
        this.readIndex = readIndex;
        this.applied = applied;
        this.scheduler = scheduler;
        this.executor = executor;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Runs {@code localRead} on this node once it has applied everything committed before the call
     * started, confirmed by a majority. Completes within the timeout.
     *
     * @param what names the read in error messages
     */
    public <T> CompletableFuture<T> read(Supplier<T> localRead, String what) {
        Deadline deadline = Deadline.after(clock, timeout);
        Read<T> read = new Read<>(localRead, what);
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
        readIndex.apply(deadline).whenComplete((index, error) -> {
            if (error != null) {
                fail(read, error instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : error);
            } else if (applied.waitFor(index, read.whenApplied)) {
                read.stage = "waiting to apply index " + index;
            } else {
                serve(read);
            }
        });
        return read.result;
    }

    private <T> void serveOnExecutor(Read<T> read) {
        try {
            executor.execute(() -> serve(read));
        } catch (RejectedExecutionException e) {
            read.result.completeExceptionally(new StoreClosedException("store is shutting down"));
        }
    }

    /** Runs the local read on this thread, which is the store's executor or the caller's own. */
    private <T> void serve(Read<T> read) {
        if (read.result.isDone()) {
            return;
        }
        try {
            read.result.complete(read.localRead.get());
        } catch (RuntimeException e) {
            read.result.completeExceptionally(e);
        }
    }

    private void fail(Read<?> read, Throwable error) {
        fail(read.result, error instanceof NoQuorumException
                ? new NoQuorumException("linearizable read of " + read.what + " failed: " + error.getMessage())
                : error);
    }

    private void expire(Read<?> read) {
        applied.cancel(read.whenApplied);
        if (!read.result.isDone()) {
            fail(read.result, new NoQuorumException("linearizable read of " + read.what + " failed within "
                    + timeout.toMillis() + " ms: " + read.stage));
        }
    }

    /** Fails {@code result} on the store's executor (here if the executor is gone), never on a Raft or timer thread. */
    private void fail(CompletableFuture<?> result, Throwable failure) {
        Handoff.run(executor, () -> result.completeExceptionally(failure));
    }

    /** Fails every pending read with {@link StoreClosedException}; later reads fail at once. */
    public void close() {
        closed = true;
        for (CompletableFuture<?> read : pending) {
            read.completeExceptionally(new StoreClosedException("store closed during the read"));
        }
    }

    /** One caller's read. */
    private final class Read<T> {
        final Supplier<T> localRead;
        final String what;
        final CompletableFuture<T> result = new CompletableFuture<>();
        /** Kept by the state machine while this node has not applied the read index; dropped at the deadline. */
        final Runnable whenApplied = () -> serveOnExecutor(this);
        volatile String stage = "no read index confirmed by a leader";

        Read(Supplier<T> localRead, String what) {
            this.localRead = localRead;
            this.what = what;
        }
    }
}
