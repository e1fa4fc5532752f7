package io.escrowstore.raft.internal.routing;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.StoreStats;

/** Asking for a read index through the router: it changes nothing, so it is never indeterminate. */
class RequestRouterReadIndexTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "node", MEMBERS);
    private final FakeLeaderNode node = new FakeLeaderNode(null);
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final ForwardClient forwardClient = new ForwardClient("router-read-index-test", executor, null);
    private final Proposer proposer = new Proposer(() -> node.node, fsm, executor, () -> T0, 1_000,
            Duration.ofMinutes(1));

    @AfterEach
    void close() {
        forwardClient.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    private RequestRouter router(Duration timeout) {
        return new RequestRouter(new Member("10.0.0.1", 7000), () -> node.node, proposer,
                new LeaderReadIndex(() -> node.node, fsm, executor), forwardClient::forward,
                new LeaderCalls(scheduler, executor, TimeSource.SYSTEM), timeout, new StoreStats());
    }

    private CompletableFuture<Long> readIndex(Duration timeout) {
        return router(timeout).readIndex(Deadline.after(TimeSource.SYSTEM, timeout));
    }

    @Test
    void onTheLeaderTheIndexIsWhatItsStateMachineAppliedOnceJraftConfirmedWithAMajority() throws Exception {
        fsm.onLeaderStart(2);
        proposer.appendNoop();
        node.commit(0, fsm, 4);

        CompletableFuture<Long> index = readIndex(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> node.reads.size() == 1);
        node.confirmRead(0, 5);

        assertThat(index.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(node.tasks).as("nothing written to the log").hasSize(1);
    }

    @Test
    void aConfirmationThatFailedIsAskedForAgain() throws Exception {
        fsm.onLeaderStart(2);

        CompletableFuture<Long> index = readIndex(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> node.reads.size() == 1);
        node.reads.get(0).run(new Status(RaftError.EAGAIN, "leader has not committed in its term yet"));
        await().atMost(WAIT).until(() -> node.reads.size() == 2);
        node.confirmRead(1, 8);

        assertThat(index.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(fsm.appliedIndex());
    }

    @Test
    void anIndexNeverConfirmedFailsWithNoQuorumNotAsIndeterminate() {
        fsm.onLeaderStart(2);

        CompletableFuture<Long> index = readIndex(Duration.ofMillis(300));

        assertThatThrownBy(() -> index.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class).hasMessageContaining("no leader confirmed a read index");
        assertThat(node.reads).hasSize(1);
    }

    @Test
    void withNoLeaderKnownTheRequestFailsWithNoQuorumAtItsDeadline() {
        CompletableFuture<Long> index = readIndex(Duration.ofMillis(300));

        assertThatThrownBy(() -> index.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class).hasMessageContaining("no leader known");
        assertThat(node.reads).isEmpty();
    }

    @Test
    void closingEndsAPendingRequestAsClosedNotAsIndeterminate() {
        fsm.onLeaderStart(2);
        RequestRouter router = router(Duration.ofSeconds(30));
        CompletableFuture<Long> index = router.readIndex(Deadline.after(TimeSource.SYSTEM, Duration.ofSeconds(30)));
        await().atMost(WAIT).until(() -> node.reads.size() == 1);

        router.close();

        assertThatThrownBy(() -> index.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreClosedException.class);
    }
}
