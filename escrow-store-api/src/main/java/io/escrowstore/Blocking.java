package io.escrowstore;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
}
