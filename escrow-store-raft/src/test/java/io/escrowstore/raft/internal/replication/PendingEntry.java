package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A proposed entry as the state machine sees it: its {@link CommandClosure}, the answers the
 * proposer waits on (one per command), and how often the closure ran its {@code onDone}.
 */
public final class PendingEntry {
    final List<CompletableFuture<Outcome>> answers;
    final CommandClosure closure;
    final AtomicInteger doneRuns = new AtomicInteger();

    private PendingEntry(Executor executor, int commands) {
        this.answers = IntStream.range(0, commands).mapToObj(i -> new CompletableFuture<Outcome>()).toList();
        this.closure = new CommandClosure(executor, answers.stream()
                .map(answer -> new CommandClosure.Answer(answer, Answering.ON_EXECUTOR)).toList(), doneRuns::incrementAndGet);
    }

    /** An entry of one command. */
    public static PendingEntry of(Executor executor) {
        return of(executor, 1);
    }

    public static PendingEntry of(Executor executor, int commands) {
        return new PendingEntry(executor, commands);
    }

    /** The answer of the entry's only command. */
    CompletableFuture<Outcome> answer() {
        assertThat(answers).as("an entry of one command").hasSize(1);
        return answers.get(0);
    }

    /** The applied result of the entry's only command. */
    public CommandResult result() {
        assertThat(answers).as("an entry of one command").hasSize(1);
        return results().get(0);
    }

    /** The applied result of each command, in order; fails unless every answer is an applied result. */
    List<CommandResult> results() {
        return answers.stream().map(answer -> {
            Outcome response = answer.getNow(null);
            assertThat(response).as("answer completed").isNotNull();
            assertThat(response.status()).as("%s", response).isEqualTo(Outcome.Status.APPLIED);
            return response.result();
        }).toList();
    }
}
