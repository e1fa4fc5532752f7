package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.internal.replication.Members;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.MembershipView;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.Poll;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * Runs membership changes on the leader, one at a time (a second one is answered
 * {@code CHANGE_IN_PROGRESS} at once), each step waiting for the previous to commit.
 *
 * <ul>
 *   <li><b>add</b>: the node becomes a jraft <i>learner</i> (it receives the log, or a snapshot
 *       when the log was compacted, but never counts toward a quorum); the leader then asks it
 *       over the admin RPC for its applied index until that reaches the commit index the leader
 *       had when it asked; then the learner is removed and the node added as a voting peer. (It
 *       cannot be promoted in one {@code changePeers}: jraft 1.3.15 keeps a learner's replicator,
 *       whose acknowledgements never count toward commit, and stops it when the learner set
 *       shrinks.) jraft's own catch-up stage of {@code addPeer} then sees it already caught up;
 *       while that stage waits, a no-op entry is appended every election timeout, since jraft can
 *       miss the signal and wait for the next entry.</li>
 *   <li><b>remove</b>: refused if the members left would have no reachable majority. Removing the
 *       leader itself transfers leadership to the most up-to-date member first and answers
 *       NOT_LEADER naming it, so the caller's router repeats the removal there.</li>
 *   <li><b>replace</b>: add the new node, then remove the old one.</li>
 *   <li><b>transfer</b>: jraft's leadership transfer, then wait until the target leads.</li>
 * </ul>
 * Every change starts from the current configuration, so repeating one after a failure or a
 * change of leader continues it.
 */
public final class MembershipChanger {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanger.class);
    private static final long CATCH_UP_POLL_MS = 50;
    private static final long LEADER_POLL_MS = 10;
    private static final long PROGRESS_LOG_NANOS = 5_000_000_000L;

    private final Member self;
    private final String raftGroup;
    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final Proposer proposer;
    private final AdminClient client;
    private final ConfSteps steps;
    private final Poll poll;
    private final Duration electionTimeout;
    private final StoreStats stats;
    private final TimeSource clock;
    private final AtomicReference<String> running = new AtomicReference<>();

    public MembershipChanger(Member self, String raftGroup, Supplier<Node> node, PaymentStateMachine fsm, Proposer proposer,
            AdminClient client, ConfSteps steps, Poll poll, Duration electionTimeout, StoreStats stats, TimeSource clock) {
        this.self = self;
        this.raftGroup = raftGroup;
        this.node = node;
        this.fsm = fsm;
        this.proposer = proposer;
        this.client = client;
        this.steps = steps;
        this.poll = poll;
        this.electionTimeout = electionTimeout;
        this.stats = stats;
        this.clock = clock;
    }

    CompletableFuture<AdminResponse> add(Member member, Deadline deadline) {
        return gated("add " + member, () -> addSteps(member, deadline).thenApply(AdminReplies::ok));
    }

    CompletableFuture<AdminResponse> remove(Member member, Deadline deadline) {
        return gated("remove " + member, () -> removeSteps(member, deadline).thenApply(AdminReplies::ok));
    }

    CompletableFuture<AdminResponse> replace(Member old, Member replacement, Deadline deadline) {
        return gated("replace " + old + " by " + replacement, () -> addSteps(replacement, deadline)
                .thenCompose(added -> removeSteps(old, deadline)).thenApply(AdminReplies::ok));
    }

    CompletableFuture<AdminResponse> transfer(Member target, Deadline deadline) {
        return gated("transfer leadership to " + target, () -> transferSteps(target, deadline)
                .thenApply(AdminReplies::leader));
    }

    /** Runs {@code change} unless another change runs; always releases the gate and answers. */
    private CompletableFuture<AdminResponse> gated(String what, Supplier<CompletableFuture<AdminResponse>> change) {
        if (!running.compareAndSet(null, what)) {
            return CompletableFuture.completedFuture(AdminReplies.of(AdminResponse.Status.CHANGE_IN_PROGRESS,
                    "cannot " + what + ": the leader " + self + " is already running '" + running.get()
                            + "'; retry once it has ended"));
        }
        long started = clock.nanoTime();
        LOG.atInfo().addKeyValue("change", what).addKeyValue("leader", self).log("membership change started");
        CompletableFuture<AdminResponse> result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((answer, error) -> {
            running.set(null);
            AdminResponse reply = error == null ? answer : ChangeFailure.answerFor(error);
            long millis = (clock.nanoTime() - started) / 1_000_000;
            if (reply.getStatus() == AdminResponse.Status.OK) {
                stats.membershipChanged();
            }
            LOG.atInfo().addKeyValue("change", what).addKeyValue("status", reply.getStatus())
                    .addKeyValue("millis", millis).addKeyValue("members", reply.getMembersList())
                    .log("membership change ended{}", reply.getError().isEmpty() ? "" : ": " + reply.getError());
            return reply;
        });
    }

    private CompletableFuture<List<Member>> addSteps(Member member, Deadline deadline) {
        Node leader = leader();
        PeerId peer = Members.peer(member);
        if (leader.listPeers().contains(peer)) {
            return CompletableFuture.completedFuture(members(leader));
        }
        CompletableFuture<Void> joining = leader.listLearners().contains(peer) ? CompletableFuture.completedFuture(null)
                : steps.run(leader, "add " + member + " as a joining member",
                        done -> leader.addLearners(List.of(peer), done));
        return joining.thenCompose(v -> catchUp(member, deadline))
                .thenCompose(v -> steps.run(leader(), "end the joining of " + member,
                        done -> leader().removeLearners(List.of(peer), done)))
                .thenCompose(v -> poll.repeatWhilePending(steps.run(leader(), "add " + member + " as a voting member",
                        done -> leader().addPeer(peer, done)), electionTimeout.toMillis(), () -> wakeCatchUp(member)))
                .thenCompose(v -> appliedHere(deadline))
                .thenApply(v -> members(leader()));
    }

    /**
     * Prompts jraft while its {@code addPeer} waits. jraft 1.3.15 tells a configuration change that
     * its new peer caught up only when an AppendEntries or probe response arrives, never on a
     * heartbeat; if the new peer's first probe is answered before the change registers its wait,
     * the change waits (renewing every election timeout while the peer is alive) for the next log
     * entry, which on an idle group never comes. A no-op entry is that next one.
     */
    private void wakeCatchUp(Member member) {
        if (proposer.appendNoop()) {
            LOG.atInfo().addKeyValue("member", member)
                    .log("adding a voting member waits for jraft's catch-up signal; appended a no-op entry to prompt it");
        }
    }

    /**
     * Waits until {@code member} has applied everything this leader had committed when it last
     * asked. Answers NOT_CAUGHT_UP at the deadline (the member stays a learner).
     */
    private CompletableFuture<Void> catchUp(Member member, Deadline deadline) {
        long started = clock.nanoTime();
        long[] lastLog = {started};
        AtomicReference<String> progress = new AtomicReference<>("it has not answered yet");
        return poll.until(() -> {
            long commit = leader().getLastCommittedIndex();
            long ask = Math.max(1, Math.min(ClusterStatusCollector.ASK_TIMEOUT_MS, deadline.remainingMillis()));
            return client.describe(member, raftGroup, ask).thenApply(answer -> {
                Optional<NodeInfo> info = answer;
                progress.set(info.map(i -> "applied " + i.getAppliedIndex() + " of the leader's commit index " + commit
                        + (i.getSnapshotIndex() > 0 ? ", snapshot at " + i.getSnapshotIndex() : ""))
                        .orElse("it did not answer within " + ask + " ms"));
                if (info.isPresent() && info.get().getAppliedIndex() >= commit) {
                    LOG.atInfo().addKeyValue("member", member).addKeyValue("appliedIndex", info.get().getAppliedIndex())
                            .addKeyValue("snapshotIndex", info.get().getSnapshotIndex())
                            .addKeyValue("millis", (clock.nanoTime() - started) / 1_000_000)
                            .log("joining member caught up");
                    return Optional.of(Boolean.TRUE);
                }
                if (clock.nanoTime() - lastLog[0] > PROGRESS_LOG_NANOS) {
                    lastLog[0] = clock.nanoTime();
                    LOG.atInfo().addKeyValue("member", member).log("joining member catching up: {}", progress.get());
                }
                return Optional.<Boolean>empty();
            });
        }, CATCH_UP_POLL_MS, deadline, () -> new ChangeFailure(AdminReplies.of(AdminResponse.Status.NOT_CAUGHT_UP,
                member + " did not catch up in time (" + progress.get() + "); it stays a joining member: "
                        + "add it again to continue, or remove it"))).thenApply(caughtUp -> null);
    }

    private CompletableFuture<List<Member>> removeSteps(Member member, Deadline deadline) {
        Node leader = leader();
        PeerId peer = Members.peer(member);
        if (leader.listLearners().contains(peer)) {
            return steps.run(leader, "remove joining member " + member,
                    done -> leader.removeLearners(List.of(peer), done)).thenApply(v -> members(leader()));
        }
        List<PeerId> peers = leader.listPeers();
        if (!peers.contains(peer)) {
            return CompletableFuture.completedFuture(members(leader));
        }
        List<PeerId> left = new ArrayList<>(peers);
        left.remove(peer);
        if (left.isEmpty()) {
            throw new ChangeFailure(AdminReplies.of(AdminResponse.Status.INVALID,
                    "cannot remove " + member + ": it is the only member"));
        }
        List<PeerId> alive = leader.listAlivePeers();
        long reachable = left.stream().filter(alive::contains).count();
        if (reachable <= left.size() / 2) {
            throw new ChangeFailure(AdminReplies.of(AdminResponse.Status.INVALID, "cannot remove " + member
                    + ": of the members left, " + MembershipView.members(left) + ", only " + reachable
                    + " answer the leader, not a majority; bring members back (or add new ones) first"));
        }
        if (member.equals(self)) {
            return handOver(leader, deadline);
        }
        return steps.run(leader, "remove " + member, done -> leader.removePeer(peer, done))
                .thenCompose(v -> appliedHere(deadline))
                .thenApply(v -> members(leader()));
    }

    /** Moves leadership away, then answers NOT_LEADER naming the new leader, which finishes the removal. */
    private CompletableFuture<List<Member>> handOver(Node leader, Deadline deadline) {
        Status status = leader.transferLeadershipTo(PeerId.ANY_PEER);
        if (!status.isOk()) {
            throw new ChangeFailure(ConfSteps.answer(status, "hand leadership over before removing " + self, leader));
        }
        LOG.atInfo().addKeyValue("leader", self).log("handing leadership over before removing this node");
        return poll.<List<Member>>untilPresent(() -> {
            Optional<Member> now = Leaders.of(leader);
            if (now.isPresent() && !now.get().equals(self)) {
                throw new ChangeFailure(AdminReplies.notLeader(now).toBuilder()
                        .setError("leadership handed over to " + now.get() + " before removing " + self).build());
            }
            return Optional.empty();
        }, LEADER_POLL_MS, soon(deadline), () -> new ChangeFailure(AdminReplies.of(AdminResponse.Status.RETRY,
                "leadership did not move away from " + self + " in time")));
    }

    private CompletableFuture<Member> transferSteps(Member target, Deadline deadline) {
        Node leader = leader();
        PeerId peer = Members.peer(target);
        if (!leader.listPeers().contains(peer)) {
            throw new ChangeFailure(AdminReplies.of(AdminResponse.Status.INVALID,
                    target + " is not a voting member: " + members(leader)));
        }
        if (target.equals(self)) {
            return CompletableFuture.completedFuture(self);
        }
        Status status = leader.transferLeadershipTo(peer);
        if (!status.isOk()) {
            throw new ChangeFailure(status.getRaftError() == RaftError.EINVAL
                    ? AdminReplies.of(AdminResponse.Status.INVALID, "transfer to " + target + ": " + status.getErrorMsg())
                    : ConfSteps.answer(status, "transfer leadership to " + target, leader));
        }
        return poll.untilPresent(() -> {
            // jraft's own state: LEADER again only once the transfer timed out (the state machine
            // hears of the transfer's start through its queue, so it may still say it leads)
            if (leader.isLeader()) {
                throw new ChangeFailure(AdminReplies.of(AdminResponse.Status.RETRY,
                        "leadership transfer to " + target + " timed out; " + self + " leads again"));
            }
            return Leaders.of(leader).filter(target::equals);
        }, LEADER_POLL_MS, deadline, () -> new ChangeFailure(AdminReplies.of(AdminResponse.Status.TIMED_OUT,
                "leadership did not reach " + target + " in time; leader now " + Leaders.of(leader))));
    }

    /** Waits (briefly) until this node has applied what is committed, so its status shows the change. */
    private CompletableFuture<Void> appliedHere(Deadline deadline) {
        Node leader = node.get();
        long commit = leader.getLastCommittedIndex();
        return poll.<Boolean>untilPresent(() -> leader.getLastAppliedLogIndex() >= commit ? Optional.of(Boolean.TRUE)
                : Optional.empty(), 5, soon(deadline), () -> new ChangeFailure(AdminReplies.of(
                        AdminResponse.Status.TIMED_OUT, "change committed but not yet applied on " + self)))
                .thenApply(applied -> null);
    }

    /** The earlier of {@code deadline} and three election timeouts from now. */
    private Deadline soon(Deadline deadline) {
        return deadline.orEarlier(Deadline.after(clock, electionTimeout.multipliedBy(3)));
    }

    /** This node, if it leads. @throws ChangeFailure NOT_LEADER otherwise */
    private Node leader() {
        Node current = node.get();
        if (current == null || !fsm.isLeader()) {
            throw new ChangeFailure(AdminReplies.notLeader(Leaders.of(current)));
        }
        return current;
    }

    private static List<Member> members(Node leader) {
        return MembershipView.members(leader.listPeers());
    }
}
