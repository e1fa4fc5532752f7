package io.escrowstore.raft.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RaftMetaStorageOptions;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableMetaStorage} before the node runs; its behaviour on a running node (a failed save
 * stops the node and no vote leaves) is tested on a cluster by the testkit's {@code DiskFaultTest}.
 */
class DurableMetaStorageTest {
    @TempDir
    Path dataDir;

    @Test
    void aSaveThatFailsWhileTheNodeInitialisesReturnsFalseSoJraftRefusesToStart() {
        EngineFailure failure = new EngineFailure("test", dataDir);
        DurableMetaStorage storage = new DurableMetaStorage(new Unwritable(), "meta", failure);
        RaftMetaStorageOptions options = new RaftMetaStorageOptions();
        options.setNode(new NodeImpl("durable-meta-test", new PeerId("127.0.0.1", 1)));
        assertThat(storage.init(options)).isTrue();

        assertThat(storage.setTermAndVotedFor(1, new PeerId())).isFalse();
        assertThat(failure.failure()).as("jraft reports a failed start itself").isNull();
    }

    /** A term/vote storage whose every save fails. */
    private static final class Unwritable implements RaftMetaStorage {
        @Override
        public boolean setTerm(long term) {
            return false;
        }

        @Override
        public long getTerm() {
            return 0;
        }

        @Override
        public boolean setVotedFor(PeerId peerId) {
            return false;
        }

        @Override
        public PeerId getVotedFor() {
            return PeerId.emptyPeer();
        }

        @Override
        public boolean setTermAndVotedFor(long term, PeerId peerId) {
            return false;
        }

        @Override
        public boolean init(RaftMetaStorageOptions opts) {
            return true;
        }

        @Override
        public void shutdown() {
        }
    }
}
