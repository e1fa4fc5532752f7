package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.QueueExecutor;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.Results;

/**
 * How one proposed entry's answers are completed: in order, after its window slot is freed, each on
 * the thread its proposal asked for.
 */
class CommandClosureTest {
    private static final List<CommandResult> THREE = List.of(Results.invalid("first"), Results.invalid("second"),
            Results.invalid("third"));

    private static List<CommandClosure.Answer> onExecutor(List<CompletableFuture<Outcome>> futures) {
        return futures.stream().map(future -> new CommandClosure.Answer(future, Answering.ON_EXECUTOR)).toList();
    }

    private static List<Outcome> responses(PendingEntry entry) {
        return entry.answers.stream().map(answer -> answer.getNow(null)).toList();
    }

    @Test
    void resultsCompleteTheAnswersInTheEntrysOrder() {
        PendingEntry entry = PendingEntry.of(DIRECT, 3);

        entry.closure.complete(THREE);

        assertThat(entry.results()).containsExactlyElementsOf(THREE);
        assertThat(entry.doneRuns).hasValue(1);
    }

    @Test
    void onDoneRunsBeforeAnyAnswerCompletes() {
        List<CompletableFuture<Outcome>> answers = List.of(new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>());
        List<Boolean> completedWhenDone = new ArrayList<>();
        CommandClosure closure = new CommandClosure(DIRECT, onExecutor(answers),
                () -> answers.forEach(answer -> completedWhenDone.add(answer.isDone())));

        closure.complete(THREE);

        assertThat(completedWhenDone).containsExactly(false, false, false);
        assertThat(answers).allSatisfy(answer -> assertThat(answer).isDone());
    }

    @Test
    void onDoneAlsoRunsFirstWhenTheEntryFailed() {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        List<Boolean> completedWhenDone = new ArrayList<>();
        CommandClosure closure = new CommandClosure(DIRECT, onExecutor(List.of(answer)),
                () -> completedWhenDone.add(answer.isDone()));

        closure.run(new Status(RaftError.EBUSY, "busy"));

        assertThat(completedWhenDone).containsExactly(false);
        assertThat(answer).isDone();
    }

    @Test
    void moreOrFewerResultsThanCommandsMakeEveryAnswerIndeterminate() {
        for (List<CommandResult> results : List.of(THREE.subList(0, 2), List.of(THREE.get(0), THREE.get(1),
                THREE.get(2), Results.invalid("fourth")))) {
            PendingEntry entry = PendingEntry.of(DIRECT, 3);

            entry.closure.complete(results);

            assertThat(responses(entry)).allSatisfy(response -> {
                assertThat(response.status()).isEqualTo(Outcome.Status.INDETERMINATE);
                assertThat(response.error()).contains(results.size() + " results for 3 commands");
            });
            assertThat(entry.doneRuns).hasValue(1);
        }
    }

    @Test
    void oneResultForTheWholeEntryAnswersEveryCommand() {
        PendingEntry entry = PendingEntry.of(DIRECT, 3);

        entry.closure.completeAll(Results.invalid("malformed entry"));

        assertThat(entry.results()).containsOnly(Results.invalid("malformed entry")).hasSize(3);
    }

    @Test
    void busyErrorMeansNeverAppended() {
        PendingEntry entry = PendingEntry.of(DIRECT, 2);

        entry.closure.run(new Status(RaftError.EBUSY, "leader is overloaded"));

        assertThat(responses(entry)).hasSize(2).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(Outcome.Status.BUSY);
            assertThat(response.error()).contains("leader is overloaded");
        });
    }

    @Test
    void otherErrorsAreIndeterminate() {
        for (RaftError error : new RaftError[] {RaftError.EPERM, RaftError.ESHUTDOWN, RaftError.ELEADERREMOVED,
            RaftError.ETIMEDOUT}) {
            PendingEntry entry = PendingEntry.of(DIRECT, 2);

            entry.closure.run(new Status(error, "leader stepped down"));

            assertThat(responses(entry)).as("%s", error).hasSize(2).allSatisfy(response -> {
                assertThat(response.status()).isEqualTo(Outcome.Status.INDETERMINATE);
                assertThat(response.error()).contains("leader stepped down");
            });
        }
    }

    @Test
    void okWithoutAResultIsIndeterminateNotApplied() {
        PendingEntry entry = PendingEntry.of(DIRECT);

        entry.closure.run(Status.OK());

        assertThat(entry.answer().getNow(null).status()).isEqualTo(Outcome.Status.INDETERMINATE);
    }

    @Test
    void resultsAndErrorsAreCompletedOnTheGivenExecutor() {
        QueueExecutor executor = new QueueExecutor();
        PendingEntry applied = PendingEntry.of(executor, 3);
        PendingEntry failed = PendingEntry.of(executor);

        applied.closure.complete(THREE);
        failed.closure.run(new Status(RaftError.EBUSY, "busy"));

        assertThat(applied.answers).noneSatisfy(answer -> assertThat(answer).isDone());
        assertThat(failed.answer()).isNotDone();
        assertThat(executor.tasks).as("one task per entry, not per answer").hasSize(2);
        executor.runAll();
        assertThat(applied.results()).containsExactlyElementsOf(THREE);
        assertThat(failed.answer().getNow(null).status()).isEqualTo(Outcome.Status.BUSY);
    }

    @Test
    void theSlotIsFreedOnTheExecutorNeverOnTheCompletingThread() {
        QueueExecutor executor = new QueueExecutor();
        PendingEntry applied = PendingEntry.of(executor, 3);
        PendingEntry failed = PendingEntry.of(executor);

        applied.closure.complete(THREE);
        failed.closure.run(new Status(RaftError.EBUSY, "busy"));

        assertThat(applied.doneRuns).hasValue(0);
        assertThat(failed.doneRuns).hasValue(0);
        executor.runAll();
        assertThat(applied.doneRuns).hasValue(1);
        assertThat(failed.doneRuns).hasValue(1);
    }

    @Test
    void answersTakenWhereLearnedCompleteOnTheCompletingThreadTheOthersOnTheExecutor() {
        QueueExecutor executor = new QueueExecutor();
        CompletableFuture<Outcome> blockedCaller = new CompletableFuture<>();
        CompletableFuture<Outcome> callbackUser = new CompletableFuture<>();
        CompletableFuture<Outcome> forwarded = new CompletableFuture<>();
        List<Boolean> doneAfterTheWhereLearnedOnes = new ArrayList<>();
        CommandClosure closure = new CommandClosure(executor, List.of(
                new CommandClosure.Answer(blockedCaller, Answering.WHERE_LEARNED),
                new CommandClosure.Answer(callbackUser, Answering.ON_EXECUTOR),
                new CommandClosure.Answer(forwarded, Answering.WHERE_LEARNED)),
                () -> doneAfterTheWhereLearnedOnes.add(blockedCaller.isDone() && forwarded.isDone()
                        && !callbackUser.isDone()));

        closure.complete(THREE);

        assertThat(blockedCaller.getNow(null).result()).isEqualTo(THREE.get(0));
        assertThat(forwarded.getNow(null).result()).isEqualTo(THREE.get(2));
        assertThat(callbackUser).isNotDone();
        executor.runAll();
        assertThat(callbackUser.getNow(null).result()).isEqualTo(THREE.get(1));
        assertThat(doneAfterTheWhereLearnedOnes).containsExactly(true);
    }

    @Test
    void aFailingOnDoneStillDeliversEveryAnswer() {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        CommandClosure closure = new CommandClosure(DIRECT, onExecutor(List.of(answer)), () -> {
            throw new IllegalStateException("node shutting down");
        });

        closure.complete(List.of(THREE.get(0)));

        assertThat(answer.getNow(null).result()).isEqualTo(THREE.get(0));
    }

    @Test
    void rejectingExecutorStillCompletesTheAnswers() {
        PendingEntry entry = PendingEntry.of(task -> {
            throw new RejectedExecutionException("executor shut down");
        }, 3);

        entry.closure.complete(THREE);

        assertThat(entry.results()).containsExactlyElementsOf(THREE);
        assertThat(entry.doneRuns).hasValue(1);
    }

    @Test
    void firstCompletionWins() {
        PendingEntry entry = PendingEntry.of(DIRECT);
        entry.closure.complete(List.of(THREE.get(0)));

        entry.closure.run(new Status(RaftError.EBUSY, "late"));

        assertThat(entry.result()).isEqualTo(THREE.get(0));
    }
}
