package io.escrowstore.testkit;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage faults of one node's data directory, as a failing or full disk would cause them, injected
 * by {@link FaultInjectingServiceFactory} into the node's Raft log, its term/vote metadata and its
 * snapshots. Get a node's with {@link EscrowCluster#disk(int)}. A switch applies to writes made
 * after it is set, also across restarts of the node on the same data directory; {@link #heal()}
 * turns every switch off (a restart is then needed: a node whose write failed has stopped).
 * Thread-safe.
 */
public final class DiskFaults {
    /** How appends to the Raft log fail. */
    public enum LogFault {
        /** Appends work. */
        NONE,
        /** An append writes nothing and fails, as on a full disk. */
        DISK_FULL,
        /**
         * An append writes its entries, then fails, as when the fsync after a write fails: the
         * entries may be on disk after a restart although the node was told they are not.
         */
        FSYNC_FAILS
    }

    private final Path dataDir;
    private volatile LogFault logFault = LogFault.NONE;
    private volatile boolean metaFails;
    private volatile boolean snapshotFails;
    private final AtomicLong failedWrites = new AtomicLong();

    DiskFaults(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The data directory these faults apply to. */
    public Path dataDir() {
        return dataDir;
    }

    /** Makes every later append to the Raft log fail as {@code fault} says. */
    public DiskFaults failLogAppends(LogFault fault) {
        this.logFault = fault;
        return this;
    }

    /** Makes every later save of the term and vote fail, writing nothing. */
    public DiskFaults failTermAndVoteWrites() {
        this.metaFails = true;
        return this;
    }

    /** Makes every later snapshot save fail before it writes anything. */
    public DiskFaults failSnapshotSaves() {
        this.snapshotFails = true;
        return this;
    }

    /** Turns every fault off. */
    public DiskFaults heal() {
        logFault = LogFault.NONE;
        metaFails = false;
        snapshotFails = false;
        return this;
    }

    /** Writes that failed because of these faults, since the cluster started. */
    public long failedWrites() {
        return failedWrites.get();
    }

    LogFault logFault() {
        return logFault;
    }

    boolean metaFails() {
        return metaFails;
    }

    boolean snapshotFails() {
        return snapshotFails;
    }

    void failed() {
        failedWrites.incrementAndGet();
    }

    @Override
    public String toString() {
        return "DiskFaults{" + dataDir + ", log=" + logFault + ", meta=" + (metaFails ? "failing" : "ok")
                + ", snapshot=" + (snapshotFails ? "failing" : "ok") + ", failed writes=" + failedWrites + "}";
    }
}
