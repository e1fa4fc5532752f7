package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * Completion of one proposed entry and its commands. The state machine hands it the results on
 * the FSM thread; jraft runs it with an error when the entry failed. Either way the answers are
 * completed on the store's executor, never on a Raft thread, after {@code onDone} has run.
 *
 * <p>Only {@link RaftError#EBUSY} proves the entry was never appended (leader overloaded or
 * transferring leadership); every other failure ("leader stepped down", shutdown) may hide an
 * entry that still commits, so it is reported as indeterminate.
 */
final class CommandClosure implements Closure {
    private final Executor executor;
    private final List<CompletableFuture<Outcome>> answers;
    private final Runnable onDone;

    /** @param answers one per command of the entry, in its order */
    CommandClosure(Executor executor, List<CompletableFuture<Outcome>> answers, Runnable onDone) {
        this.executor = executor;
        this.answers = answers;
        this.onDone = onDone;
    }

    /** Called by the state machine with the outcome of each command of the applied entry. */
    void complete(List<CommandResult> results) {
        if (results.size() != answers.size()) {
            completeAll(Outcomes.indeterminate("entry applied with " + results.size() + " results for "
                    + answers.size() + " commands"));
            return;
        }
        completeOffThread(() -> {
            for (int i = 0; i < answers.size(); i++) {
                answers.get(i).complete(Outcomes.applied(results.get(i)));
            }
        });
    }

    /** Called by the state machine when the entry as a whole was invalid: every command gets {@code result}. */
    void completeAll(CommandResult result) {
        completeAll(Outcomes.applied(result));
    }

    @Override
    public void run(Status status) {
        if (status.isOk()) {
            completeAll(Outcomes.indeterminate("entry committed without a result"));
        } else if (status.getRaftError() == RaftError.EBUSY) {
            completeAll(Outcomes.busy(status.getErrorMsg()));
        } else {
            completeAll(Outcomes.indeterminate(status.getRaftError() + ": " + status.getErrorMsg()));
        }
    }

    private void completeAll(Outcome response) {
        completeOffThread(() -> answers.forEach(answer -> answer.complete(response)));
    }

    private void completeOffThread(Runnable completion) {
        Handoff.run(executor, () -> {
            onDone.run();
            completion.run();
        });
    }
}
