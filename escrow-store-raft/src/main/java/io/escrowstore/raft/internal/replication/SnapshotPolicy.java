package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Node;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * Snapshots by log growth: once more than {@code threshold} entries were applied since the last
 * snapshot (taken for any reason, or installed from the leader), ask jraft for one. jraft then
 * compacts the log behind the previous snapshot, so the log on disk stays below about two
 * thresholds of entries whatever the traffic. At most one request is outstanding; a failed one is
 * retried after another tenth of the threshold.
 *
 * <p>The request is made from {@code executor}, never from the FSM thread that notices the growth:
 * jraft queues the save on that very thread.
 */
public final class SnapshotPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPolicy.class);

    private final long threshold;
    private final Executor executor;
    private final StoreStats stats;
    private final String name;
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Supplier<Node> node = () -> null;
    private volatile long lastSnapshotIndex;
    private volatile long notBeforeIndex;

    /** @param threshold entries since the last snapshot that trigger one; 0 disables the policy */
    public SnapshotPolicy(long threshold, Executor executor, StoreStats stats, String name) {
        this.threshold = threshold;
        this.executor = executor;
        this.stats = stats;
        this.name = name;
    }

    public void attach(Supplier<Node> node) {
        this.node = node;
    }

    /** A snapshot at {@code index} was saved or loaded. */
    void snapshotAt(long index) {
        lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
    }

    long lastSnapshotIndex() {
        return lastSnapshotIndex;
    }

    /** Called on the FSM thread after applying up to {@code appliedIndex}. */
    void applied(long appliedIndex) {
        if (threshold <= 0 || appliedIndex - lastSnapshotIndex <= threshold || appliedIndex < notBeforeIndex) {
            return;
        }
        if (!requested.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> request(appliedIndex));
        } catch (RejectedExecutionException e) {
            requested.set(false);
        }
    }

    private void request(long appliedIndex) {
        Node current = node.get();
        if (current == null) {
            requested.set(false);
            return;
        }
        long since = appliedIndex - lastSnapshotIndex;
        current.snapshot(status -> {
            requested.set(false);
            if (status.isOk()) {
                stats.snapshotByLogGrowth();
                LOG.atInfo().addKeyValue("node", name).addKeyValue("entriesSinceLast", since)
                        .addKeyValue("threshold", threshold).log("snapshot taken by log growth");
            } else {
                notBeforeIndex = appliedIndex + Math.max(100, threshold / 10);
                LOG.atWarn().addKeyValue("node", name).addKeyValue("status", status)
                        .addKeyValue("retryAfterIndex", notBeforeIndex).log("snapshot by log growth failed");
            }
        });
    }
}
