package io.escrowstore.testkit;

import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import io.escrowstore.testkit.DiskFaults.LogFault;
import java.util.List;

/**
 * jraft's log storage whose appends fail while {@link DiskFaults#logFault()} says so. A failed
 * append returns what jraft's RocksDB storage returns when its write fails (0 entries written, or
 * false), so jraft reacts as it would to a real disk fault: it reports the error and stops the node.
 */
final class FaultInjectingLogStorage implements LogStorage {
    private final LogStorage delegate;
    private final DiskFaults faults;

    FaultInjectingLogStorage(LogStorage delegate, DiskFaults faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public boolean appendEntry(LogEntry entry) {
        LogFault fault = faults.logFault();
        if (fault == LogFault.NONE) {
            return delegate.appendEntry(entry);
        }
        if (fault == LogFault.FSYNC_FAILS) {
            delegate.appendEntry(entry);
        }
        faults.failed();
        return false;
    }

    @Override
    public int appendEntries(List<LogEntry> entries) {
        LogFault fault = faults.logFault();
        if (fault == LogFault.NONE) {
            return delegate.appendEntries(entries);
        }
        if (fault == LogFault.FSYNC_FAILS) {
            delegate.appendEntries(entries);
        }
        faults.failed();
        return 0;
    }

    @Override
    public boolean init(LogStorageOptions opts) {
        return delegate.init(opts);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public long getFirstLogIndex() {
        return delegate.getFirstLogIndex();
    }

    @Override
    public long getLastLogIndex() {
        return delegate.getLastLogIndex();
    }

    @Override
    public LogEntry getEntry(long index) {
        return delegate.getEntry(index);
    }

    @Override
    @Deprecated
    public long getTerm(long index) {
        return delegate.getTerm(index);
    }

    @Override
    public boolean truncatePrefix(long firstIndexKept) {
        return delegate.truncatePrefix(firstIndexKept);
    }

    @Override
    public boolean truncateSuffix(long lastIndexKept) {
        return delegate.truncateSuffix(lastIndexKept);
    }

    @Override
    public boolean reset(long nextLogIndex) {
        return delegate.reset(nextLogIndex);
    }
}
