package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import io.escrowstore.Member;
import io.escrowstore.StoreClosedException;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gets an admin request done by whichever node leads, from wherever it arrived (this node's
 * {@code ClusterAdmin}, another member, the launcher's admin commands). Runs it here when this node
 * leads, otherwise forwards it (marked routed, so it is never forwarded again) to the leader it
 * knows of, following redirects and waiting out elections, like {@link RequestRouter} does for
 * commands. Every admin change is idempotent, so any attempt may be repeated; the answer comes
 * within the request's timeout (at most the node's admin timeout).
 */
final class AdminService implements AutoCloseable {
    /** Time kept back from the leader's share of the deadline, for its answer to travel back. */
    private static final long ANSWER_MARGIN_MS = 500;

    private final Member self;
    private final Duration adminTimeout;
    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final MembershipChanger changer;
    private final ClusterStatusCollector collector;
    private final NodeDescriber describer;
    private final AdminClient client;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Set<Call> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    AdminService(Member self, Duration adminTimeout, Supplier<Node> node, PaymentStateMachine fsm,
            MembershipChanger changer, ClusterStatusCollector collector, NodeDescriber describer, AdminClient client,
            ScheduledExecutorService scheduler, Executor executor) {
        this.self = self;
        this.adminTimeout = adminTimeout;
        this.node = node;
        this.fsm = fsm;
        this.changer = changer;
        this.collector = collector;
        this.describer = describer;
        this.client = client;
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /**
     * Runs {@code request} (already validated) on the leader. The future fails only with
     * {@link StoreClosedException}; every other outcome is an {@link AdminResponse}.
     */
    CompletableFuture<AdminResponse> submit(AdminRequest request) {
        Duration timeout = request.getTimeoutMillis() > 0
                ? Duration.ofMillis(Math.min(request.getTimeoutMillis(), adminTimeout.toMillis())) : adminTimeout;
        Call call = new Call(request, Deadline.after(timeout));
        pending.add(call);
        call.result.whenComplete((r, e) -> pending.remove(call));
        if (closed) {
            call.result.completeExceptionally(new StoreClosedException("store node " + self + " is closed"));
            return call.result;
        }
        if (!Expiry.arm(scheduler, timeout, call.result, () -> expire(call))) {
            call.result.completeExceptionally(new StoreClosedException("store node " + self + " is shutting down"));
            return call.result;
        }
        attempt(call);
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

    private void attempt(Call call) {
        if (call.result.isDone()) {
            return;
        }
        if (fsm.isLeader()) {
            call.reachedLeader = true;
            runHere(call.request, call.leaderDeadline()).whenComplete((answer, error) ->
                    handle(call, error == null ? answer : ChangeFailure.answerFor(error), self));
            return;
        }
        if (call.request.getRouted()) {
            complete(call, AdminReplies.notLeader(Leaders.of(node.get())));
            return;
        }
        Optional<Member> leader = call.takeHint().or(() -> Leaders.of(node.get())).filter(m -> !m.equals(self));
        if (leader.isEmpty()) {
            call.lastReason = "no leader known to " + self;
            retryLater(call);
            return;
        }
        Member target = leader.get();
        AdminRequest routed = call.request.toBuilder().setRouted(true)
                .setTimeoutMillis(Math.max(1, call.deadline.remainingMillis())).build();
        client.send(target, routed, call.deadline.remainingMillis()).whenComplete((sent, error) -> {
            if (sent != null && sent.response() != null) {
                call.reachedLeader = true;
                handle(call, sent.response(), target);
            } else {
                call.reachedLeader |= sent != null && sent.sent();
                call.lastReason = sent == null ? String.valueOf(error) : sent.failure();
                retryLater(call);
            }
        });
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

    private void handle(Call call, AdminResponse answer, Member from) {
        if (AdminReplies.isFinal(answer.getStatus())) {
            complete(call, answer);
            return;
        }
        call.lastReason = answer.getStatus() == Status.NOT_LEADER
                ? from + " does not lead" + (answer.getError().isEmpty() ? "" : ": " + answer.getError())
                : answer.getError();
        if (answer.getStatus() == Status.NOT_LEADER) {
            Leaders.hint(answer.getLeaderHint()).ifPresent(hint -> call.hint = hint.equals(from) ? null : hint);
        }
        retryLater(call);
    }

    private void retryLater(Call call) {
        if (!call.backoff.retry(call.deadline, scheduler, executor, () -> attempt(call))) {
            call.result.completeExceptionally(new StoreClosedException("store node " + self + " is shutting down"));
        }
    }

    private void expire(Call call) {
        if (call.result.isDone()) {
            return;
        }
        String waited = " within " + (call.deadline.atNanos() - call.startNanos) / 1_000_000 + " ms: " + call.lastReason;
        complete(call, call.reachedLeader
                ? AdminReplies.of(Status.TIMED_OUT, call.request.getKind() + " did not finish" + waited)
                : AdminReplies.of(Status.NO_LEADER, "no leader reached" + waited));
    }

    private void complete(Call call, AdminResponse answer) {
        Handoff.run(executor, () -> call.result.complete(answer));
    }

    /** Ends every pending request with {@link StoreClosedException}; later ones fail at once. */
    @Override
    public void close() {
        closed = true;
        for (Call call : pending) {
            call.result.completeExceptionally(new StoreClosedException("store node " + self + " closed"));
        }
    }

    /** One admin request across its attempts. */
    private static final class Call {
        final AdminRequest request;
        final Deadline deadline;
        final long startNanos = System.nanoTime();
        final CompletableFuture<AdminResponse> result = new CompletableFuture<>();
        final Backoff backoff = new Backoff();
        volatile boolean reachedLeader;
        volatile String lastReason = "no attempt finished";
        volatile Member hint;

        Call(AdminRequest request, Deadline deadline) {
            this.request = request;
            this.deadline = deadline;
        }

        /** The leader's share of the deadline: it must answer before the caller gives up. */
        Deadline leaderDeadline() {
            long total = deadline.atNanos() - startNanos;
            long margin = Math.min(TimeUnit.MILLISECONDS.toNanos(ANSWER_MARGIN_MS), total / 10);
            return new Deadline(deadline.atNanos() - margin);
        }

        Optional<Member> takeHint() {
            Member current = hint;
            hint = null;
            return Optional.ofNullable(current);
        }
    }
}
