package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Member;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Suite 9: the races between a call's deadline and the store's own work, widened. Every node's
 * callback executor is a {@link StallableExecutor}, slowed for the whole run; a minority is cut
 * off for many request deadlines while the clients keep calling through it, so its calls end
 * "not applied" by the hundreds; the minority's executors are stalled across the heal, so calls
 * whose deadline passes meanwhile still have a retry queued, and leadership is handed to a stalled
 * minority node before its executor resumes, so those retries run on a leader; then the
 * leader's state-machine thread is stalled under load until calls time out waiting for it. The
 * checker holds every call answered "not applied" to it (invariant 5 of
 * {@link HistoryChecker}).
 */
class StalledMinoritySuiteTest {
    private static final Duration SLOW = Duration.ofMillis(4);
    /** "Not applied" answers the minority must give before its executors are stalled. */
    private static final int NOT_APPLIED_BEFORE_STALL = 200;
    /** Calls through the minority whose deadline must pass while its executors are stalled. */
    private static final int EXPIRED_WHILE_STALLED = 20;
    /** Claims that must time out waiting for the stalled state machine. */
    private static final int INDETERMINATE_WHILE_FSM_STALLED = 10;

    @RegisterExtension
    final FaultSuiteExtension suite =
            new FaultSuiteExtension("9 long minority partition, slow + stalled executor and FSM");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void callsAnsweredNotAppliedNeverTakeEffectWhenDeadlinesRaceStalledCallbacks(int nodes) {
        long seed = 9_100 + nodes;
        List<StallableExecutor> executors = IntStream.range(0, nodes)
                .mapToObj(i -> new StallableExecutor("n" + i, seed * 31 + i)).toList();
        SuiteRun run;
        try {
            run = suite.start(nodes, seed, cluster -> cluster.callbackExecutors(executors::get));
        } catch (RuntimeException | Error e) {
            executors.forEach(StallableExecutor::close);
            throw e;
        }
        run.closeAfterCluster(executors);
        run.awaitAccepted(50);
        executors.forEach(executor -> executor.slow(SLOW));
        run.countFault();

        int leader = run.cluster.awaitLeader();
        List<Integer> minority = run.cluster.running().stream().filter(i -> i != leader).limit((nodes - 1) / 2)
                .toList();
        run.network().split(minority);
        long cut = System.nanoTime();
        awaitCount(run, NOT_APPLIED_BEFORE_STALL, "claims through the minority " + minority + " answered not applied",
                op -> minority.contains(op.node()) && op.kind() == History.Kind.CLAIM
                        && op.outcome() == History.Outcome.FAILED && op.invokedNanos() >= cut);

        minority.forEach(i -> executors.get(i).stall());
        minority.forEach(i -> run.countFault());
        long deadlineNanos = run.cluster.config(0).requestTimeout().toNanos();
        awaitCount(run, EXPIRED_WHILE_STALLED, "calls through the stalled minority past their deadline",
                op -> minority.contains(op.node()) && op.outcome() == History.Outcome.PENDING
                        && System.nanoTime() - op.invokedNanos() > deadlineNanos);
        long healed = System.nanoTime();
        run.network().heal();
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "the minority " + minority + " to know the leader again",
                () -> minority.stream().allMatch(i -> run.cluster.node(i).status().leader().isPresent()));
        // a stalled node becomes the leader: the retries still queued on it would now propose locally
        int heir = minority.get(0);
        long termBefore = run.cluster.node(heir).status().term();
        AtomicReference<CompletableFuture<Member>> transfer =
                new AtomicReference<>(CompletableFuture.completedFuture(null));
        run.countFault();
        // the store's term moves when its state machine starts leading, not when jraft elects it;
        // a transfer that ended without that (the heir was not caught up yet) is asked for again
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "node " + heir + "'s state machine to lead after a transfer",
                () -> leadsAfterTransfer(run, heir, termBefore, transfer));
        minority.forEach(i -> executors.get(i).resume());
        awaitQuietly(transfer.get());
        run.awaitAccepted(50);

        List<History.Operation> throughMinority = minority.stream().flatMap(i -> run.within(i, cut, healed).stream())
                .toList();
        assertThat(throughMinority).as("calls through the cut-off minority: none accepted or read")
                .noneMatch(op -> op.outcome() == History.Outcome.ACCEPTED || op.outcome() == History.Outcome.READ);
        assertThat(minority.stream().mapToLong(i -> executors.get(i).tasksHeld()).sum())
                .as("tasks the stalled executors held").isPositive();

        int stalledLeader = run.cluster.awaitLeader();
        StallableExecutor leaderExecutor = executors.get(stalledLeader);
        long indeterminate = count(run, op -> op.kind() == History.Kind.CLAIM
                && op.outcome() == History.Outcome.INDETERMINATE);
        leaderExecutor.stallStateMachine();
        run.countFault();
        try {
            // only the history is polled meanwhile: the stalled node's state is locked by its state machine
            awaitCount(run, indeterminate + INDETERMINATE_WHILE_FSM_STALLED, "claims timed out while node "
                    + stalledLeader + "'s state machine is stalled", op -> op.kind() == History.Kind.CLAIM
                            && op.outcome() == History.Outcome.INDETERMINATE);
        } finally {
            leaderExecutor.resumeStateMachine();
        }
        assertThat(leaderExecutor.stateMachineHolds()).as("times the leader's state machine was held").isPositive();
        run.awaitAccepted(50);
    }

    /** True once {@code heir}'s state machine leads; otherwise asks the leader again if its last transfer ended. */
    private static boolean leadsAfterTransfer(SuiteRun run, int heir, long termBefore,
            AtomicReference<CompletableFuture<Member>> transfer) {
        if (run.cluster.node(heir).status().isLeader() && run.cluster.node(heir).status().term() > termBefore) {
            return true;
        }
        run.cluster.leader().filter(current -> current != heir && transfer.get().isDone()).ifPresent(current ->
                transfer.set(run.cluster.node(current).admin()
                        .transferLeadershipAsync(run.cluster.config(heir).self())));
        return false;
    }

    /** Waits for {@code call} to end, whatever its outcome (bounded). */
    private static void awaitQuietly(CompletableFuture<?> call) {
        try {
            call.get(SuiteRun.PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the transfer's own answer does not matter: the new leader was observed
        }
    }

    private static void awaitCount(SuiteRun run, long target, String what, Predicate<History.Operation> counted) {
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> target + " " + what + " (now " + count(run, counted) + ")",
                () -> count(run, counted) >= target);
    }

    private static long count(SuiteRun run, Predicate<History.Operation> counted) {
        return run.history.operations().stream().filter(counted).count();
    }
}
