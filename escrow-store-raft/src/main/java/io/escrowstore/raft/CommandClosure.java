package io.escrowstore.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Completion of one proposed command. The state machine hands it the result on the FSM thread;
 * jraft runs it with an error when the entry failed. Either way the future is completed on the
 * store's executor, never on a Raft thread.
 *
 * <p>Only {@link RaftError#EBUSY} proves the entry was never appended (leader overloaded or
 * transferring leadership); every other failure ("leader stepped down", shutdown) may hide an
 * entry that still commits, so it is reported as indeterminate.
 */
final class CommandClosure implements Closure {
    private final CompletableFuture<ForwardResponse> future = new CompletableFuture<>();
    private final Executor executor;

    CommandClosure(Executor executor) {
        this.executor = executor;
    }

    CompletableFuture<ForwardResponse> future() {
        return future;
    }

    /** Called by the state machine with the outcome of the applied entry. */
    void complete(CommandResult result) {
        completeOffThread(Outcomes.applied(result));
    }

    @Override
    public void run(Status status) {
        if (status.isOk()) {
            completeOffThread(Outcomes.indeterminate("entry committed without a result"));
        } else if (status.getRaftError() == RaftError.EBUSY) {
            completeOffThread(Outcomes.busy(status.getErrorMsg()));
        } else {
            completeOffThread(Outcomes.indeterminate(status.getRaftError() + ": " + status.getErrorMsg()));
        }
    }

    private void completeOffThread(ForwardResponse response) {
        try {
            executor.execute(() -> future.complete(response));
        } catch (RejectedExecutionException e) {
            future.complete(response);
        }
    }
}
