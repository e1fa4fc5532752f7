package io.escrowstore.raft.internal.support;

import io.escrowstore.Accepted;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.NoQuorumException;
import io.escrowstore.OutcomeForgottenException;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreUnavailableException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one node counted since it started: request outcomes, forwards, leader changes, snapshots.
 * Plain {@link LongAdder}s, free of any metrics library, so the store never loads one; the
 * optional {@link EscrowStoreMetrics} binder reads these counters and subscribes to latencies.
 * Thread-safe; recording never blocks.
 */
public final class StoreStats {
    /** Receives every completed request; implemented by the metrics binder. Must not block or throw. */
    public interface LatencyListener {
        public void completed(String operation, String outcome, long nanos);
    }

    private final LongAdder claimsAccepted = new LongAdder();
    private final Map<RejectReason, LongAdder> claimsRejected = new EnumMap<>(RejectReason.class);
    private final LongAdder claimsIndeterminate = new LongAdder();
    private final LongAdder claimsNotApplied = new LongAdder();
    private final LongAdder indeterminate = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder leaderChanges = new LongAdder();
    private final LongAdder snapshotsSaved = new LongAdder();
    private final LongAdder snapshotSaveNanos = new LongAdder();
    private final LongAdder snapshotsLoaded = new LongAdder();
    private final LongAdder snapshotLoadNanos = new LongAdder();
    private final LongAdder snapshotsByLogGrowth = new LongAdder();
    private final LongAdder membershipChanges = new LongAdder();
    private final List<LatencyListener> listeners = new CopyOnWriteArrayList<>();

    public StoreStats() {
        for (RejectReason reason : RejectReason.values()) {
            claimsRejected.put(reason, new LongAdder());
        }
    }

    /**
     * Records one completed store call.
     *
     * @param operation e.g. {@code claim}, {@code read}
     * @param claimResult true if the operation answers a {@code ClaimResult} (claim, commit)
     */
    public void completed(String operation, boolean claimResult, Object result, Throwable error, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        String outcome = outcome(result, error);
        if (claimResult) {
            countClaim(result, outcome);
        }
        if (outcome.equals("indeterminate")) {
            indeterminate.increment();
        }
        for (LatencyListener listener : listeners) {
            listener.completed(operation, outcome, nanos);
        }
    }

    private void countClaim(Object result, String outcome) {
        if (result instanceof Accepted) {
            claimsAccepted.increment();
        } else if (result instanceof Rejected rejected) {
            claimsRejected.get(rejected.reason()).increment();
        } else if (outcome.equals("indeterminate") || outcome.equals("forgotten")) {
            // both leave it unknown to the caller whether the claim was applied
            claimsIndeterminate.increment();
        } else {
            claimsNotApplied.increment();
        }
    }

    public static String outcome(Object result, Throwable error) {
        if (error == null) {
            if (result instanceof Accepted) {
                return "accepted";
            }
            return result instanceof Rejected ? "rejected" : "ok";
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof IndeterminateOutcomeException) {
            return "indeterminate";
        }
        if (cause instanceof OutcomeForgottenException) {
            return "forgotten";
        }
        if (cause instanceof NoQuorumException) {
            return "no_quorum";
        }
        if (cause instanceof StoreOverloadedException) {
            return "overloaded";
        }
        if (cause instanceof StoreClosedException) {
            return "closed";
        }
        return cause instanceof StoreUnavailableException ? "unavailable" : "error";
    }

    public void addListener(LatencyListener listener) {
        listeners.add(listener);
    }

    public void removeListener(LatencyListener listener) {
        listeners.remove(listener);
    }

    public void forwarded() {
        forwarded.increment();
    }

    public void leaderChanged() {
        leaderChanges.increment();
    }

    public void snapshotSaved(long nanos) {
        snapshotsSaved.increment();
        snapshotSaveNanos.add(nanos);
    }

    public void snapshotLoaded(long nanos) {
        snapshotsLoaded.increment();
        snapshotLoadNanos.add(nanos);
    }

    public void snapshotByLogGrowth() {
        snapshotsByLogGrowth.increment();
    }

    public void membershipChanged() {
        membershipChanges.increment();
    }

    public long claimsAccepted() {
        return claimsAccepted.sum();
    }

    public long claimsRejected(RejectReason reason) {
        return claimsRejected.get(reason).sum();
    }

    public long claimsIndeterminate() {
        return claimsIndeterminate.sum();
    }

    public long claimsNotApplied() {
        return claimsNotApplied.sum();
    }

    public long indeterminate() {
        return indeterminate.sum();
    }

    public long forwardedCount() {
        return forwarded.sum();
    }

    public long leaderChanges() {
        return leaderChanges.sum();
    }

    public long snapshotsSaved() {
        return snapshotsSaved.sum();
    }

    public long snapshotSaveNanos() {
        return snapshotSaveNanos.sum();
    }

    public long snapshotsLoaded() {
        return snapshotsLoaded.sum();
    }

    public long snapshotLoadNanos() {
        return snapshotLoadNanos.sum();
    }

    public long snapshotsByLogGrowth() {
        return snapshotsByLogGrowth.sum();
    }

    public long membershipChanges() {
        return membershipChanges.sum();
    }
}
