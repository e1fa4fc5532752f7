package io.escrowstore.raft.internal.testing;

import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.NoQuorumException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * TEST ONLY, deliberately wrong: the {@link UnsafeSwitches#reportDoubtAsNotApplied()}
 * switch. It tells a caller "not applied" when the store does not know, so a retry or a refund
 * built on that answer can pay twice; the fault suites must catch it.
 */
public final class UnsafeDoubt {
    private UnsafeDoubt() {
    }

    /** {@code call}, with an {@link IndeterminateOutcomeException} turned into a {@link NoQuorumException}. */
    public static <T> CompletableFuture<T> reportedAsNotApplied(CompletableFuture<T> call) {
        CompletableFuture<T> reported = new CompletableFuture<>();
        call.whenComplete((value, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause == null) {
                reported.complete(value);
            } else if (cause instanceof IndeterminateOutcomeException doubt) {
                reported.completeExceptionally(new NoQuorumException("request " + doubt.requestId()
                        + " not applied (unsafeReportDoubtAsNotApplied; really: " + doubt.getMessage() + ")"));
            } else {
                reported.completeExceptionally(cause);
            }
        });
        return reported;
    }
}
