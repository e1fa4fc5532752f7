package io.escrowstore.raft.internal.replication;

import com.google.protobuf.ByteString;
import io.escrowstore.raft.internal.ledger.Commands;
import java.util.concurrent.CompletableFuture;

/**
 * Where a leader's commands go to be replicated: the {@link Proposer}. The router and the forward
 * processor see only this, so the store's wiring decides what they talk to.
 */
public interface CommandProposer {
    /** True while this node leads and has applied every earlier term's entries. */
    boolean leads();

    /**
     * Proposes a decoded and validated {@code command}, or answers NOT_LEADER without proposing.
     * Answers APPLIED only once the command's entry committed and was applied.
     *
     * @param batchKey {@link Commands#batchKey} of the command
     * @param answering which thread completes the answer
     */
    CompletableFuture<Outcome> propose(byte[] command, ByteString batchKey, Answering answering);
}
