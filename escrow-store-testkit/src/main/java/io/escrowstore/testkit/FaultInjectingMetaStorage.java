package io.escrowstore.testkit;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RaftMetaStorageOptions;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;

/**
 * jraft's term/vote storage whose saves fail, writing nothing, while
 * {@link DiskFaults#metaFails()}. A failed save only returns false, as a storage that cannot write
 * does; what the node then does is the store's business.
 */
final class FaultInjectingMetaStorage implements RaftMetaStorage {
    private final RaftMetaStorage delegate;
    private final DiskFaults faults;

    FaultInjectingMetaStorage(RaftMetaStorage delegate, DiskFaults faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public boolean setTerm(long term) {
        return failing() ? false : delegate.setTerm(term);
    }

    @Override
    public boolean setVotedFor(PeerId peerId) {
        return failing() ? false : delegate.setVotedFor(peerId);
    }

    @Override
    public boolean setTermAndVotedFor(long term, PeerId peerId) {
        return failing() ? false : delegate.setTermAndVotedFor(term, peerId);
    }

    private boolean failing() {
        if (!faults.metaFails()) {
            return false;
        }
        faults.failed();
        return true;
    }

    @Override
    public long getTerm() {
        return delegate.getTerm();
    }

    @Override
    public PeerId getVotedFor() {
        return delegate.getVotedFor();
    }

    @Override
    public boolean init(RaftMetaStorageOptions opts) {
        return delegate.init(opts);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }
}
