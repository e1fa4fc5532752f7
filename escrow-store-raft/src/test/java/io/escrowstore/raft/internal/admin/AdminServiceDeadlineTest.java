package io.escrowstore.raft.internal.admin;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import io.escrowstore.StoreClosedException;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.routing.FakeLeaderNode;
import io.escrowstore.raft.internal.routing.LeaderCalls;
import io.escrowstore.raft.internal.support.ManualClock;
import io.escrowstore.raft.internal.support.ManualExecutor;
import io.escrowstore.raft.internal.support.Poll;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * The admin service's answer when a request's deadline passes or its node closes while an attempt
 * is queued or in flight, every interleaving driven by hand (manual clock and executor).
 * {@code NO_LEADER} and {@link StoreClosedException} say nothing was done, so they are allowed only
 * when no attempt ever ran on or was sent to a leader; a retry that comes due after the request
 * ended must not run the change.
 */
class AdminServiceDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Member SELF = new Member("10.0.0.1", 7000);
    private static final Member OTHER = new Member("10.0.0.2", 7000);
    private static final AdminRequest TRANSFER = AdminRequest.newBuilder().setGroup("admin-deadline-test")
            .setKind(AdminRequest.Kind.TRANSFER_LEADERSHIP).setMember(OTHER.toString()).build();

    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "node", MEMBERS);
    private final FakeLeaderNode leaderless = new FakeLeaderNode(null);
    private final FakeLeaderNode followingOther = new FakeLeaderNode(new PeerId(OTHER.host(), OTHER.port()));
    private FakeLeaderNode node = leaderless;
    /** Runs (once) the next time the service looks up the node to find the leader. */
    private final AtomicReference<Runnable> onLeaderLookup = new AtomicReference<>();
    private final Supplier<Node> serviceNode = () -> {
        Runnable hook = onLeaderLookup.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        return node.node;
    };
    /** How often the membership changer looked at the node: every change it starts does, first thing. */
    private final AtomicInteger changesStarted = new AtomicInteger();
    private final AdminClient client = new AdminClient(executor, null);
    private final List<CompletableFuture<AdminClient.Sent>> sends = new ArrayList<>();
    private final AdminService service = service();

    @AfterEach
    void closeClient() {
        client.close();
    }

    private AdminService service() {
        Supplier<Node> changerNode = () -> {
            changesStarted.incrementAndGet();
            return node.node;
        };
        Proposer proposer = new Proposer(changerNode, fsm, executor, () -> T0, 1_000, Duration.ofMinutes(1));
        MembershipChanger changer = new MembershipChanger(SELF, "admin-deadline-test", changerNode, fsm, proposer,
                client, new ConfSteps(executor), new Poll(clock, executor), Duration.ofMillis(100), new StoreStats(),
                clock);
        return new AdminService(SELF, TIMEOUT, serviceNode, fsm, changer,
                new ClusterStatusCollector(SELF, "admin-deadline-test", client), new NodeDescriber(SELF, serviceNode, fsm),
                this::send, new LeaderCalls(clock, executor, clock));
    }

    private CompletableFuture<AdminClient.Sent> send(Member target, AdminRequest request, long timeoutMs) {
        CompletableFuture<AdminClient.Sent> sent = new CompletableFuture<>();
        sends.add(sent);
        return sent;
    }

    /** Leaves a retry of the request queued on the executor, its first attempt having found no leader. */
    private void queueRetryWithNoLeaderKnown() {
        clock.advance(Duration.ofMillis(2));
        assertThat(executor.queued()).as("the retry waits on the executor").isEqualTo(1);
    }

    @Test
    void aRetryQueuedWhenTheDeadlinePassesNeverRunsTheChangeAndTheAnswerIsNoLeader() {
        CompletableFuture<AdminResponse> call = service.submit(TRANSFER);
        queueRetryWithNoLeaderKnown();

        fsm.onLeaderStart(2);
        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(call.join().getStatus()).isEqualTo(Status.NO_LEADER);
        assertThat(changesStarted).as("the change never started").hasValue(0);
    }

    @Test
    void aRequestSentToTheLeaderWhenTheDeadlinePassesEndsTimedOutNeverNoLeader() {
        node = followingOther;
        CompletableFuture<AdminResponse> call = service.submit(TRANSFER);
        assertThat(sends).hasSize(1);

        clock.advance(TIMEOUT);
        executor.runAll();

        assertThat(call.join().getStatus()).isEqualTo(Status.TIMED_OUT);
    }

    @Test
    void closingWhileARetryIsQueuedFailsAsClosedAndTheRetryNeverRunsTheChange() {
        CompletableFuture<AdminResponse> call = service.submit(TRANSFER);
        queueRetryWithNoLeaderKnown();
        fsm.onLeaderStart(2);

        service.close();
        executor.runAll();

        assertThat(call).isCompletedExceptionally();
        assertThat(call.handle((answer, error) -> error).join()).isInstanceOf(StoreClosedException.class);
        assertThat(changesStarted).as("the change never started").hasValue(0);
    }

    @Test
    void closingWhileARetryIsLookingForTheLeaderFailsAsClosedAndNothingIsSent() {
        CompletableFuture<AdminResponse> call = service.submit(TRANSFER);
        queueRetryWithNoLeaderKnown();
        node = followingOther;
        onLeaderLookup.set(service::close);

        executor.runAll();

        assertThat(call.handle((answer, error) -> error).join()).isInstanceOf(StoreClosedException.class);
        assertThat(sends).as("nothing sent after the close").isEmpty();
    }

    @Test
    void closingWhileARequestIsSentToTheLeaderAnswersThatItMayBePartlyDoneNotClosed() {
        node = followingOther;
        CompletableFuture<AdminResponse> call = service.submit(TRANSFER);
        assertThat(sends).hasSize(1);

        service.close();
        executor.runAll();

        assertThat(call).isNotCompletedExceptionally();
        assertThat(call.join().getStatus()).isEqualTo(Status.FAILED);
        assertThat(call.join().getError()).contains("may be partly done");
    }
}
