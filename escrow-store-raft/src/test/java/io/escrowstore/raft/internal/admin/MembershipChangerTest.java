package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.internal.replication.Members;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.Poll;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * The leader's side of add-member against a scripted jraft node: every configuration step succeeds
 * at once except {@code addPeer}, which waits until the test lets it finish, as jraft 1.3.15 can
 * when it misses the new peer's catch-up signal. The joining member is a real node, which answers
 * the catch-up questions.
 */
class MembershipChangerTest {
    private static final long TERM = 4;
    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(50);

    @TempDir
    Path dataDir;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final List<Task> appended = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Closure> addPeer = new CompletableFuture<>();
    private final PeerId self = PeerId.parsePeer("127.0.0.1:1");
    private RaftPaymentStore joining;
    private AdminClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (joining != null) {
            joining.close();
        }
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void whileAddPeerWaitsTheLeaderAppendsANoOpEveryElectionTimeoutAndStopsOnceItEnds() {
        joining = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir, ClusterAdminSingleNodeTest.freePort()));
        Member member = joining.config().self();
        MembershipChanger changer = changer(joining.config().raftGroup());

        CompletableFuture<AdminResponse> added = changer.add(member, Deadline.after(TimeSource.SYSTEM, Duration.ofSeconds(20)));

        Closure done = addPeer.orTimeout(20, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> appended.size() >= 3);
        assertThat(appended).allSatisfy(task -> {
            assertThat(task.getData().remaining()).as("a no-op entry").isZero();
            assertThat(task.getExpectedTerm()).isEqualTo(TERM);
        });
        assertThat(added).isNotDone();

        done.run(Status.OK());
        assertThat(added.join().getStatus()).isEqualTo(AdminResponse.Status.OK);
        waitElectionTimeouts(2); // a no-op being appended as addPeer ended has been by now
        int afterEnd = appended.size();
        waitElectionTimeouts(4);
        assertThat(appended).as("no no-op once addPeer has ended").hasSize(afterEnd);
    }

    private void waitElectionTimeouts(int count) {
        CompletableFuture<Void> passed = new CompletableFuture<>();
        scheduler.schedule(() -> passed.complete(null), ELECTION_TIMEOUT.toMillis() * count, TimeUnit.MILLISECONDS);
        passed.join();
    }

    private MembershipChanger changer(String raftGroup) {
        Node node = (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class},
                (proxy, method, args) -> invoke(proxy, method, args));
        PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(PaymentStateMachineTest.GROUP),
                Runnable::run, "leader", List.of(Members.member(self)));
        fsm.onLeaderStart(TERM);
        Proposer proposer = new Proposer(() -> node, fsm, executor, System::currentTimeMillis, 1_000,
                Duration.ofMinutes(1));
        client = new AdminClient(executor, null);
        return new MembershipChanger(Members.member(self), raftGroup, () -> node, fsm, proposer, client,
                new ConfSteps(executor), new Poll(scheduler, executor), ELECTION_TIMEOUT, new StoreStats(),
                TimeSource.SYSTEM);
    }

    private Object invoke(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "apply" -> appended.add((Task) args[0]);
            case "listPeers", "listAlivePeers" -> List.of(self);
            case "listLearners" -> List.of();
            case "getLastCommittedIndex", "getLastAppliedLogIndex" -> 0L;
            case "getLeaderId" -> self;
            case "addLearners", "removeLearners" -> {
                ((Closure) args[1]).run(Status.OK());
                yield null;
            }
            case "addPeer" -> {
                addPeer.complete((Closure) args[1]);
                yield null;
            }
            case "toString" -> "ScriptedLeader";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException("ScriptedLeader." + method.getName());
        };
    }
}
