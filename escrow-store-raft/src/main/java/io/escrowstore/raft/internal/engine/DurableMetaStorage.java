package io.escrowstore.raft.internal.engine;

import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.EnumOutter.ErrorType;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.option.RaftMetaStorageOptions;
import com.alipay.sofa.jraft.storage.RaftMetaStorage;

/**
 * The node's term/vote storage: jraft's, plus a guarantee jraft 1.3.15 lacks. Its
 * {@code NodeImpl.handleRequestVoteRequest} records the vote in memory, ignores the result of
 * {@code setVotedFor}, and builds its reply from the in-memory vote, so a node whose vote was not
 * written still grants it, and after a restart it may vote again in the same term: two leaders.
 * (Its own storage does put the node in state ERROR on a failed save, but the reply is built
 * after that and still grants.)
 *
 * <p>Here a failed save stops the node synchronously, before its caller goes on: this storage
 * reports the error to the node (state ERROR, unless the storage already did) and then throws
 * {@link MetaWriteFailedException} out of {@code setTerm}/{@code setVotedFor}/
 * {@code setTermAndVotedFor}. Throwing is the only way to keep the reply from leaving: the
 * exception unwinds {@code handleRequestVoteRequest} (its locks are released in {@code finally}
 * blocks), and jraft's RPC processor answers the candidate with an error instead of a grant; a
 * node in state ERROR answers every later vote request with an error as well. On the candidate
 * side, {@code electSelf} sends its vote requests before it saves its own vote (fixed upstream only
 * after 1.3.15); the throw keeps it from counting its own vote, so it cannot become leader in that
 * term, and it ignores the answers once in state ERROR.
 *
 * <p>While the node is still initialising, a failed save returns false as jraft's storage does:
 * jraft then refuses to start the node.
 */
public final class DurableMetaStorage implements RaftMetaStorage {
    /** Thrown out of a failed term/vote save to abort the jraft operation that made it. */
    static final class MetaWriteFailedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MetaWriteFailedException(String message) {
            super(message);
        }
    }

    private final RaftMetaStorage delegate;
    private final String path;
    private final EngineFailure failure;
    private volatile NodeImpl node;

    DurableMetaStorage(RaftMetaStorage delegate, String path, EngineFailure failure) {
        this.delegate = delegate;
        this.path = path;
        this.failure = failure;
    }

    @Override
    public boolean init(RaftMetaStorageOptions opts) {
        this.node = opts.getNode();
        return delegate.init(opts);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public boolean setTerm(long term) {
        return saved(delegate.setTerm(term), "term " + term);
    }

    @Override
    public long getTerm() {
        return delegate.getTerm();
    }

    @Override
    public boolean setVotedFor(PeerId peerId) {
        return saved(delegate.setVotedFor(peerId), "vote for " + peerId);
    }

    @Override
    public PeerId getVotedFor() {
        return delegate.getVotedFor();
    }

    @Override
    public boolean setTermAndVotedFor(long term, PeerId peerId) {
        return saved(delegate.setTermAndVotedFor(term, peerId), "term " + term + " and vote for "
                + (peerId == null || peerId.isEmpty() ? "nobody" : peerId));
    }

    private boolean saved(boolean ok, String what) {
        if (ok) {
            return true;
        }
        NodeImpl current = node;
        if (current == null || current.getNodeState() == State.STATE_UNINITIALIZED) {
            return false;
        }
        String message = "could not save " + what + " to " + path;
        failure.storageFailed(EngineFailure.Source.META, message);
        if (current.getNodeState().isActive()) {
            current.onError(new RaftException(ErrorType.ERROR_TYPE_META, RaftError.EIO, "%s", message));
        }
        throw new MetaWriteFailedException(message + "; the node stopped");
    }

    @Override
    public String toString() {
        return "DurableMetaStorage[" + delegate + "]";
    }
}
