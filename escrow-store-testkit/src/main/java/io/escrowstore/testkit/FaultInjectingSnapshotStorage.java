package io.escrowstore.testkit;

import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotStorage;

/**
 * jraft's local snapshot storage whose snapshot saves fail while {@link DiskFaults#snapshotFails()}:
 * no writer can be created, as when the temporary snapshot directory cannot be made. It extends
 * jraft's class rather than wrapping it because jraft's snapshot executor configures the storage's
 * address (needed to send snapshots to followers) only on a {@code LocalSnapshotStorage}.
 * Snapshots received from a leader are written as usual.
 */
final class FaultInjectingSnapshotStorage extends LocalSnapshotStorage {
    private final DiskFaults faults;

    FaultInjectingSnapshotStorage(NodeOptions options, DiskFaults faults) {
        super(options.getSnapshotUri(), options.getSnapshotTempUri(), options.getRaftOptions());
        this.faults = faults;
    }

    @Override
    public SnapshotWriter create() {
        if (faults.snapshotFails()) {
            faults.failed();
            return null;
        }
        return super.create();
    }
}
