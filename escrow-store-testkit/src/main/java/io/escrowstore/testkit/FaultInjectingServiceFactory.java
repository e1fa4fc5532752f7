package io.escrowstore.testkit;

import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;
import com.alipay.sofa.jraft.storage.SnapshotStorage;
import com.alipay.sofa.jraft.util.SPI;

/**
 * <b>Not an API: public only because jraft's service loader instantiates it.</b> jraft's storage
 * factory as seen by every node in a JVM that has the testkit on its classpath: jraft's
 * {@code JRaftServiceLoader} picks the {@code JRaftServiceFactory} with the highest {@link SPI}
 * priority listed in any {@code META-INF/services} file (jraft's own has 0), and a store node
 * builds its storage from that choice (wrapping it with its own durability checks).
 *
 * <p>For a node whose data directory has registered {@link DiskFaults} (every node of an
 * {@link EscrowCluster}), the log, term/vote and snapshot storage it creates are wrapped so that
 * the switched-on faults make their writes fail; for any other node it creates jraft's storage,
 * unchanged.
 *
 * <p><b>Warning:</b> this is one more reason {@code escrow-store-testkit} must be a
 * {@code test}-scoped dependency.
 */
@SPI(priority = 100)
public final class FaultInjectingServiceFactory extends DefaultJRaftServiceFactory {
    /** Called by jraft's service loader. */
    public FaultInjectingServiceFactory() {
    }

    @Override
    public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
        LogStorage storage = super.createLogStorage(uri, raftOptions);
        DiskFaults faults = DiskRegistry.forStorage(uri);
        return faults == null ? storage : new FaultInjectingLogStorage(storage, faults);
    }

    @Override
    public RaftMetaStorage createRaftMetaStorage(String uri, RaftOptions raftOptions) {
        RaftMetaStorage storage = super.createRaftMetaStorage(uri, raftOptions);
        DiskFaults faults = DiskRegistry.forStorage(uri);
        return faults == null ? storage : new FaultInjectingMetaStorage(storage, faults);
    }

    @Override
    public SnapshotStorage createSnapshotStorage(NodeOptions nodeOptions) {
        DiskFaults faults = DiskRegistry.forStorage(nodeOptions.getSnapshotUri());
        return faults == null ? super.createSnapshotStorage(nodeOptions)
                : new FaultInjectingSnapshotStorage(nodeOptions, faults);
    }
}
