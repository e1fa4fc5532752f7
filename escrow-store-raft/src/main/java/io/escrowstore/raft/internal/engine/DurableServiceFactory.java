package io.escrowstore.raft.internal.engine;

import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.alipay.sofa.jraft.entity.codec.LogEntryCodecFactory;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;
import com.alipay.sofa.jraft.storage.SnapshotStorage;

/**
 * The storage a store node runs on: whatever {@code base} creates (jraft's RocksDB log, file
 * metadata and local snapshots by default), with the term/vote storage wrapped in
 * {@link DurableMetaStorage} so that a failed save never lets a vote out.
 */
final class DurableServiceFactory implements JRaftServiceFactory {
    private final JRaftServiceFactory base;
    private final EngineFailure failure;

    DurableServiceFactory(JRaftServiceFactory base, EngineFailure failure) {
        this.base = base;
        this.failure = failure;
    }

    @Override
    public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
        return base.createLogStorage(uri, raftOptions);
    }

    @Override
    public SnapshotStorage createSnapshotStorage(NodeOptions nodeOptions) {
        return base.createSnapshotStorage(nodeOptions);
    }

    @Override
    public RaftMetaStorage createRaftMetaStorage(String uri, RaftOptions raftOptions) {
        return new DurableMetaStorage(base.createRaftMetaStorage(uri, raftOptions), uri, failure);
    }

    @Override
    public LogEntryCodecFactory createLogEntryCodecFactory() {
        return base.createLogEntryCodecFactory();
    }
}
