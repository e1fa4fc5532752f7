package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A thread-safe record of claim invocations and their completions, as a replica saw them. The
 * input of {@link HistoryChecker}.
 */
public final class History {
    /** How a recorded claim ended. */
    public enum Outcome {
        /** The store answered {@link Accepted}. */
        ACCEPTED,
        /** The store answered {@link Rejected}. */
        REJECTED,
        /** The call failed; it may or may not have been applied. */
        UNKNOWN
    }

    /**
     * One completed claim call.
     *
     * @param process the simulated replica that made it
     * @param node the index of the store node called
     * @param request what was asked
     * @param outcome how it ended
     * @param reason the reject reason, for {@link Outcome#REJECTED}
     * @param failure the exception's class name, for {@link Outcome#UNKNOWN}
     * @param startNanos {@link System#nanoTime()} at invocation
     * @param endNanos {@link System#nanoTime()} at completion
     */
    public record Entry(String process, int node, ClaimRequest request, Outcome outcome,
            Optional<RejectReason> reason, Optional<String> failure, long startNanos, long endNanos) {
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

    /** Records a call that returned a result. */
    public void completed(String process, int node, ClaimRequest request, ClaimResult result, long startNanos) {
        Optional<RejectReason> reason = result instanceof Rejected rejected ? Optional.of(rejected.reason()) : Optional.empty();
        entries.add(new Entry(process, node, request, result.isAccepted() ? Outcome.ACCEPTED : Outcome.REJECTED,
                reason, Optional.empty(), startNanos, System.nanoTime()));
    }

    /** Records a call that failed with {@code error}: its effect is unknown. */
    public void failed(String process, int node, ClaimRequest request, Throwable error, long startNanos) {
        entries.add(new Entry(process, node, request, Outcome.UNKNOWN, Optional.empty(),
                Optional.of(error.getClass().getSimpleName()), startNanos, System.nanoTime()));
    }

    /** A snapshot of every entry so far, in completion order. */
    public List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    /** Number of entries. */
    public int size() {
        return entries.size();
    }
}
