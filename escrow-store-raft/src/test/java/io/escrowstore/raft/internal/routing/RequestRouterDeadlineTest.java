package io.escrowstore.raft.internal.routing;

import io.escrowstore.raft.internal.replication.Answering;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.google.protobuf.ByteString;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.RequestId;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.ManualClock;
import io.escrowstore.raft.internal.support.ManualExecutor;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * The router's answer when a call's deadline passes or its node closes while an attempt is queued
 * or in flight, with every interleaving driven by hand: a manual clock (which is also the
 * scheduler) and an executor whose queue the test runs. "Not applied" (no quorum, overloaded,
 * closed) is allowed only when no attempt was ever handed to the engine or a leader; a retry that
 * comes due after the call ended must not propose.
 */
class RequestRouterDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final Member SELF = new Member("10.0.0.1", 7000);
    private static final Member OTHER = new Member("10.0.0.2", 7000);

    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "node", MEMBERS);
    private final FakeLeaderNode leaderless = new FakeLeaderNode(null);
    private final FakeLeaderNode followingOther = new FakeLeaderNode(new PeerId(OTHER.host(), OTHER.port()));
    private FakeLeaderNode node = leaderless;
    /** Runs (once) the next time the proposer asks whether this node leads. */
    private final AtomicReference<Runnable> onLeadsCheck = new AtomicReference<>();
    private final Supplier<Node> proposerNode = () -> {
        Runnable hook = onLeadsCheck.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        return node.node;
    };
    private final Proposer proposer = new Proposer(proposerNode, fsm, executor, () -> T0, 1_000, Duration.ofMinutes(1));
    private final List<CompletableFuture<ForwardClient.Sent>> forwards = new ArrayList<>();
    private final RequestRouter router = new RequestRouter(SELF, () -> node.node, proposer,
            new LeaderReadIndex(() -> node.node, fsm, executor), this::forward, new LeaderCalls(clock, executor, clock),
            TIMEOUT, new StoreStats());

    private CompletableFuture<ForwardClient.Sent> forward(Member leader, byte[] command, ByteString key, Deadline d) {
        CompletableFuture<ForwardClient.Sent> sent = new CompletableFuture<>();
        forwards.add(sent);
        return sent;
    }

    private CompletableFuture<CommandResult> claim() {
        return router.submit(new RequestId("c"),
                Commands.stamped(Commands.claim(PaymentStateMachineTest.claimRequest("c", 0, 10, 10)), 0),
                Answering.ON_EXECUTOR);
    }

    private static Throwable failure(CompletableFuture<?> call) {
        assertThat(call).isCompletedExceptionally();
        return call.handle((value, error) -> error).join();
    }

    /** Leaves a retry of the call queued on the executor, its first attempt having found no leader. */
    private void queueRetryWithNoLeaderKnown() {
        clock.advance(Duration.ofMillis(2));
        assertThat(executor.queued()).as("the retry waits on the executor").isEqualTo(1);
    }

    @Test
    void aRetryQueuedWhenTheDeadlinePassesNeverProposesAndTheCallFailsWithNoQuorum() {
        CompletableFuture<CommandResult> call = claim();
        queueRetryWithNoLeaderKnown();

        fsm.onLeaderStart(2);
        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(NoQuorumException.class);
        assertThat(node.tasks).as("nothing handed to jraft").isEmpty();
    }

    @Test
    void aRetryQueuedAfterBusyRefusalsWhenTheDeadlinePassesNeverProposesAndTheCallFailsAsOverloaded() {
        fsm.onLeaderStart(2);
        CompletableFuture<CommandResult> call = claim();
        node.tasks.get(0).getDone().run(new Status(RaftError.EBUSY, "leader overloaded"));
        executor.runAll();
        fsm.onLeaderStop(Status.OK());
        queueRetryWithNoLeaderKnown();

        fsm.onLeaderStart(2);
        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(StoreOverloadedException.class);
        assertThat(node.tasks).as("only the refused attempt reached jraft").hasSize(1);
    }

    @Test
    void aProposalInFlightWhenTheDeadlinePassesEndsIndeterminateNeverNoQuorum() {
        fsm.onLeaderStart(2);
        CompletableFuture<CommandResult> call = claim();
        assertThat(node.tasks).hasSize(1);

        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(IndeterminateOutcomeException.class);
    }

    @Test
    void aForwardInFlightWhenTheDeadlinePassesEndsIndeterminateNeverNoQuorum() {
        node = followingOther;
        CompletableFuture<CommandResult> call = claim();
        assertThat(forwards).hasSize(1);

        clock.advance(TIMEOUT);
        executor.runAll();
        forwards.get(0).complete(new ForwardClient.Sent(Outcomes.busy("too late"), null));
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(IndeterminateOutcomeException.class);
    }

    @Test
    void aCallWhoseEarlierAttemptWasLostEndsIndeterminateEvenWithNoAttemptInFlight() {
        node = followingOther;
        CompletableFuture<CommandResult> call = claim();
        forwards.get(0).completeExceptionally(new IllegalStateException("connection reset after sending"));
        node = leaderless;

        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(IndeterminateOutcomeException.class);
    }

    @Test
    void closingWhileARetryIsQueuedFailsTheCallAsClosedAndTheRetryNeverProposes() {
        CompletableFuture<CommandResult> call = claim();
        queueRetryWithNoLeaderKnown();
        fsm.onLeaderStart(2);

        router.close();
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(StoreClosedException.class);
        assertThat(node.tasks).as("nothing handed to jraft").isEmpty();
    }

    @Test
    void closingWhileARetryIsDecidingWhereToGoFailsTheCallAsClosedAndTheRetryNeverProposes() {
        CompletableFuture<CommandResult> call = claim();
        queueRetryWithNoLeaderKnown();
        fsm.onLeaderStart(2);
        onLeadsCheck.set(router::close);

        executor.runAll();

        assertThat(failure(call)).isInstanceOf(StoreClosedException.class);
        assertThat(node.tasks).as("nothing handed to jraft after the close").isEmpty();
    }

    @Test
    void closingWhileAProposalIsInFlightEndsIndeterminateNeverClosed() {
        fsm.onLeaderStart(2);
        CompletableFuture<CommandResult> call = claim();
        assertThat(node.tasks).hasSize(1);

        router.close();
        executor.runAll();

        assertThat(failure(call)).isInstanceOf(IndeterminateOutcomeException.class);
    }
}
