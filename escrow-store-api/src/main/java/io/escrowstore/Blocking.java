package io.escrowstore;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a store future and surfaces its failure unwrapped, as the blocking twins promise. */
final class Blocking {
    private Blocking() {
    }

    static <T> T await(CompletableFuture<T> future) {
        return await(future, null);
    }

    /** As {@link #await(CompletableFuture)}; an interrupted wait for a mutation ({@code requestId} given) is indeterminate. */
    static <T> T await(CompletableFuture<T> future, RequestId requestId) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (requestId != null) {
                throw new IndeterminateOutcomeException(requestId, "interrupted while waiting for the store");
            }
            throw new EscrowStoreException("interrupted while waiting for the store", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new EscrowStoreException("store call failed", cause);
        } catch (CancellationException e) {
            throw new EscrowStoreException("store call was cancelled", e);
        }
    }

    /** Waits for {@code ready} at most {@code timeout}; on timeout cancels it and reports the store's view. */
    static StoreStatus awaitReady(PaymentStore store, CompletableFuture<StoreStatus> ready, Duration timeout) {
        Checks.notNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            ready.cancel(false);
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        try {
            return ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            ready.cancel(false);
            throw new NoQuorumException("not ready within " + timeout.toMillis() + " ms: no leader backed by a"
                    + " majority confirmed that this node caught up; its view: " + describe(store));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.cancel(false);
            throw new EscrowStoreException("interrupted while waiting for the store to be ready", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new EscrowStoreException("readiness check failed", e.getCause());
        }
    }

    private static String describe(PaymentStore store) {
        try {
            StoreStatus status = store.status();
            return "leader " + status.leader().map(Member::toString).orElse("unknown") + ", term " + status.term()
                    + ", applied index " + status.lastAppliedIndex() + ", members " + status.members();
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
