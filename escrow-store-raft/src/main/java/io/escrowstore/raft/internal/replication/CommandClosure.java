package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * Completion of one proposed entry and its commands. The state machine hands it the results on
 * the FSM thread; jraft runs it with an error when the entry failed. Either way each answer is
 * completed as its proposal asked ({@link Answering}): the {@link Answering#WHERE_LEARNED} ones
 * right there, the others in one task on the store's executor, never on a Raft thread. That task
 * first runs {@code onDone}, which frees the proposer's slot and may propose the next entry: never
 * on the FSM thread, because proposing reads the node through locks that {@code close()} holds
 * while it waits for the FSM thread to finish.
 *
 * <p>Only {@link RaftError#EBUSY} proves the entry was never appended (leader overloaded or
 * transferring leadership); every other failure ("leader stepped down", shutdown) may hide an
 * entry that still commits, so it is reported as indeterminate.
 */
final class CommandClosure implements Closure {
    private static final Logger LOG = LoggerFactory.getLogger(CommandClosure.class);

    /** The answer a proposal waits on, and the thread it asked to be completed on. */
    record Answer(CompletableFuture<Outcome> future, Answering answering) {
    }

    private final Executor executor;
    private final List<Answer> answers;
    private final Runnable onDone;

    /**
     * @param answers one per command of the entry, in its order
     * @param onDone frees the proposer's slot for this entry; runs on the store's executor, before
     *     the answers completed there
     */
    CommandClosure(Executor executor, List<Answer> answers, Runnable onDone) {
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
        deliver(i -> Outcomes.applied(results.get(i)));
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
        deliver(i -> response);
    }

    private void deliver(IntFunction<Outcome> outcome) {
        List<Runnable> onExecutor = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            Outcome response = outcome.apply(i);
            if (answer.answering() == Answering.WHERE_LEARNED) {
                answer.future().complete(response);
            } else {
                onExecutor.add(() -> answer.future().complete(response));
            }
        }
        Handoff.run(executor, () -> {
            try {
                onDone.run();
            } catch (RuntimeException e) {
                LOG.error("freeing the proposer's slot after an entry failed; its answers are still delivered", e);
            }
            onExecutor.forEach(Runnable::run);
        });
    }
}
