package io.escrowstore.raft.internal.admin;

import com.alipay.sofa.jraft.Node;
import io.escrowstore.Member;
import io.escrowstore.StoreClosedException;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.routing.LeaderCall;
import io.escrowstore.raft.internal.routing.LeaderCalls;
import io.escrowstore.raft.internal.support.Deadline;

/**
 * Gets an admin request done by whichever node leads, from wherever it arrived (this node's
 * {@code ClusterAdmin}, another member, the launcher's admin commands). Runs it here when this node
 * leads, otherwise forwards it (marked routed, so it is never forwarded again) to the leader it
 * knows of, following redirects and waiting out elections, like {@link RequestRouter} does for
 * commands, through the same retry loop ({@link LeaderCalls}). Every admin change is idempotent, so
 * any attempt may be repeated; the answer comes within the request's timeout (at most the node's
 * admin timeout).
 */
public final class AdminService implements AutoCloseable {
    /** Time kept back from the leader's share of the deadline, for its answer to travel back. */
    private static final long ANSWER_MARGIN_MS = 500;

    /** Sends a routed admin request to another member believed to lead ({@link AdminClient#send}). */
    public interface Sender {
        CompletableFuture<AdminClient.Sent> send(Member target, AdminRequest request, long timeoutMs);
    }

    private final Member self;
    private final Duration adminTimeout;
    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final MembershipChanger changer;
    private final ClusterStatusCollector collector;
    private final NodeDescriber describer;
    private final Sender sender;
    private final LeaderCalls calls;

    public AdminService(Member self, Duration adminTimeout, Supplier<Node> node, PaymentStateMachine fsm,
            MembershipChanger changer, ClusterStatusCollector collector, NodeDescriber describer, Sender sender,
            LeaderCalls calls) {
        this.self = self;
        this.adminTimeout = adminTimeout;
        this.node = node;
        this.fsm = fsm;
        this.changer = changer;
        this.collector = collector;
        this.describer = describer;
        this.sender = sender;
        this.calls = calls;
    }

    /**
     * Runs {@code request} (already validated) on the leader. The future fails only with
     * {@link StoreClosedException}, and only if no attempt was ever run on or sent to a leader;
     * every other outcome is an {@link AdminResponse}. {@code NO_LEADER} likewise means no attempt
     * was; once one was, a call that ends without the leader's answer is {@code TIMED_OUT} (at the
     * deadline) or {@code FAILED} (the node closed), the change possibly partly done.
     */
    CompletableFuture<AdminResponse> submit(AdminRequest request) {
        Duration timeout = request.getTimeoutMillis() > 0
                ? Duration.ofMillis(Math.min(request.getTimeoutMillis(), adminTimeout.toMillis())) : adminTimeout;
        Call call = new Call(request, timeout);
        calls.start(call);
        return call.result;
    }

    /** This node's own view, and when it leads, the group's (answers the launcher's {@code status}). */
    CompletableFuture<AdminResponse> describe(boolean withCluster) {
        AdminResponse.Builder answer = AdminResponse.newBuilder().setStatus(Status.OK).setNode(describer.describe());
        Node current = node.get();
        long term = fsm.leaderTerm();
        if (!withCluster || current == null || term < 0) {
            return CompletableFuture.completedFuture(answer.build());
        }
        try {
            return collector.collect(current, term).thenApply(cluster -> answer.setCluster(cluster).build());
        } catch (IllegalStateException notLeader) {
            return CompletableFuture.completedFuture(answer.build());
        }
    }

    private CompletableFuture<AdminResponse> runHere(AdminRequest request, Deadline deadline) {
        try {
            return dispatch(request, deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ChangeFailure.answerFor(e));
        }
    }

    private CompletableFuture<AdminResponse> dispatch(AdminRequest request, Deadline deadline) {
        switch (request.getKind()) {
            case ADD_MEMBER:
                return changer.add(Member.parse(request.getMember()), deadline);
            case REMOVE_MEMBER:
                return changer.remove(Member.parse(request.getMember()), deadline);
            case REPLACE_MEMBER:
                return changer.replace(Member.parse(request.getMember()), Member.parse(request.getReplacement()),
                        deadline);
            case TRANSFER_LEADERSHIP:
                return changer.transfer(Member.parse(request.getMember()), deadline);
            case CLUSTER_STATUS:
                return describe(true).thenApply(answer -> answer.hasCluster() ? answer
                        : AdminReplies.notLeader(Leaders.of(node.get())));
            default:
                return CompletableFuture.completedFuture(AdminReplies.of(Status.INVALID,
                        "not a routed admin request: " + request.getKind()));
        }
    }

    /** Ends every pending request (see {@link #submit}); later ones fail at once with {@link StoreClosedException}. */
    @Override
    public void close() {
        calls.close();
    }

    /**
     * One admin request across its attempts. Any attempt run here as leader, or sent to another
     * member, may have changed the group, whatever it answered short of a final answer: only an
     * attempt that could not be sent leaves the call as it was.
     */
    private final class Call extends LeaderCall<AdminResponse> {
        final AdminRequest request;
        final Duration timeout;

        Call(AdminRequest request, Duration timeout) {
            super(calls, Deadline.after(calls.clock(), timeout));
            this.request = request;
            this.timeout = timeout;
        }

        @Override
        protected void attempt() {
            if (isDone()) {
                return;
            }
            if (fsm.isLeader()) {
                if (begin()) {
                    runHere(request, leaderDeadline()).whenComplete((answer, error) ->
                            handle(error == null ? answer : ChangeFailure.answerFor(error), self));
                }
                return;
            }
            if (request.getRouted()) {
                answer(AdminReplies.notLeader(Leaders.of(node.get())));
                return;
            }
            Optional<Member> leader = leaderToTry(() -> Leaders.of(node.get()), self);
            if (leader.isEmpty()) {
                return;
            }
            Member target = leader.get();
            if (!begin()) {
                return;
            }
            AdminRequest routed = request.toBuilder().setRouted(true)
                    .setTimeoutMillis(Math.max(1, deadline.remainingMillis())).build();
            sender.send(target, routed, deadline.remainingMillis()).whenComplete((sent, error) -> {
                if (sent != null && sent.response() != null) {
                    handle(sent.response(), target);
                } else if (sent != null && !sent.sent()) {
                    refused(sent.failure());
                } else {
                    lost(sent == null ? String.valueOf(error) : sent.failure());
                }
            });
        }

        private void handle(AdminResponse answer, Member from) {
            if (AdminReplies.isFinal(answer.getStatus())) {
                answer(answer);
                return;
            }
            if (answer.getStatus() == Status.NOT_LEADER) {
                hintLeader(Leaders.hint(answer.getLeaderHint()).filter(hint -> !hint.equals(from)));
            }
            lost(answer.getStatus() == Status.NOT_LEADER
                    ? from + " does not lead" + (answer.getError().isEmpty() ? "" : ": " + answer.getError())
                    : answer.getError());
        }

        @Override
        protected Ending<AdminResponse> ending(End end, boolean mayHaveApplied) {
            if (end == End.CLOSED) {
                return mayHaveApplied
                        ? Ending.answer(AdminReplies.of(Status.FAILED, "store node " + self + " closed before "
                                + request.getKind() + " finished; it may be partly done: " + lastReason))
                        : Ending.failure(new StoreClosedException("store node " + self + " closed"));
            }
            String waited = " within " + timeout.toMillis() + " ms: " + lastReason;
            return Ending.answer(mayHaveApplied
                    ? AdminReplies.of(Status.TIMED_OUT, request.getKind() + " did not finish" + waited)
                    : AdminReplies.of(Status.NO_LEADER, "no leader reached" + waited));
        }

        /** The leader's share of the deadline: it must answer before the caller gives up. */
        Deadline leaderDeadline() {
            return deadline.earlier(Math.min(TimeUnit.MILLISECONDS.toNanos(ANSWER_MARGIN_MS), timeout.toNanos() / 10));
        }
    }
}
