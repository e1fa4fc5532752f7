package io.escrowstore.raft.internal.admin;

import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.support.NamedThreads;
import io.escrowstore.raft.internal.transport.TransportSecurity;

/**
 * A client of one running node's admin RPC, from outside any store (the node launcher's admin
 * commands): the same requests members send each other. {@link #status} answers from the node
 * asked, with lag per member when it leads; the membership calls are run by the leader wherever
 * they are sent, and each is idempotent and bounded by its timeout (the node's
 * {@code adminTimeout} caps it). With TLS the client's key store must hold an operator certificate
 * (members may not change the group) and a change is sent to the leader itself, following the
 * asked node's leader hint, since a follower relaying it would do so as a member. Answers are operator-readable text.
 */
public final class NodeAdminClient implements AutoCloseable {
    /** How a call ended. */
    public enum Outcome {
        /** The node did it (or answered); the text is the answer. */
        DONE,
        /** The node refused; the text is its status and reason, e.g. {@code NOT_CAUGHT_UP: ...}. */
        REFUSED,
        /** No answer within the timeout, or the node could not be reached; the text says why. */
        NO_ANSWER
    }

    /** The outcome of a call and its text, one or more lines without a trailing line break. */
    public record Answer(Outcome outcome, String text) {
    }

    /** How often {@link #call} follows a leader hint before it reports the last answer. */
    private static final int MAX_HOPS = 3;

    private final Member node;
    private final String raftGroup;
    private final ExecutorService executor;
    private final AdminClient client;
    private final boolean tls;

    private NodeAdminClient(Member node, String raftGroup, TransportSecurity security) {
        this.node = node;
        this.tls = security != null;
        this.raftGroup = raftGroup;
        this.executor = Executors.newSingleThreadExecutor(new NamedThreads("escrow-admin"));
        this.client = new AdminClient(executor, security == null ? null : security.clientHelper());
    }

    /**
     * @param node the node to ask, any member
     * @param raftGroup the Raft group it serves
     * @param tls connect with mutual TLS as this identity, or plaintext if empty
     * @param trustedHosts with TLS, the node's certificate must name one of these hosts
     */
    public static NodeAdminClient connect(Member node, String raftGroup, Optional<TlsConfig> tls,
            Set<String> trustedHosts) {
        Set<String> hosts = Set.copyOf(trustedHosts);
        return new NodeAdminClient(node, raftGroup,
                tls.map(config -> TransportSecurity.of(config, () -> hosts, "admin")).orElse(null));
    }

    /** The node's view: state, leader, term, indexes, members; and lag per member if it leads. */
    public Answer status(Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.DESCRIBE, timeout).build(), timeout);
    }

    /** Adds a running joining node as a voting member once it caught up; answers the voting members. */
    public Answer addMember(Member member, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.ADD_MEMBER, timeout).setMember(member.toString()).build(), timeout);
    }

    /** Removes a member (the leader hands leadership over first); answers the voting members. */
    public Answer removeMember(Member member, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.REMOVE_MEMBER, timeout).setMember(member.toString()).build(), timeout);
    }

    /** Adds the joining {@code replacement}, then removes {@code old}; answers the voting members. */
    public Answer replaceMember(Member old, Member replacement, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.REPLACE_MEMBER, timeout).setMember(old.toString())
                .setReplacement(replacement.toString()).build(), timeout);
    }

    /** Makes a voting member the leader. */
    public Answer transferLeadership(Member member, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.TRANSFER_LEADERSHIP, timeout).setMember(member.toString()).build(),
                timeout);
    }

    private AdminRequest.Builder request(AdminRequest.Kind kind, Duration timeout) {
        return AdminRequest.newBuilder().setGroup(raftGroup).setKind(kind).setTimeoutMillis(timeout.toMillis());
    }

    private Answer call(AdminRequest request, Duration timeout) throws InterruptedException {
        if (!tls || request.getKind() == AdminRequest.Kind.DESCRIBE) {
            return answer(request, send(node, request, timeout));
        }
        // with TLS a follower would relay the request under its member certificate, which the leader
        // refuses (only operators may change the group): mark it routed, so a follower answers with
        // the leader it knows, and send it there under this client's own certificate
        AdminRequest direct = request.toBuilder().setRouted(true).build();
        Member target = node;
        Sent sent = send(target, direct, timeout);
        for (int hop = 0; hop < MAX_HOPS && sent.response() != null && isRedirect(sent.response(), target); hop++) {
            target = Member.parse(sent.response().getLeaderHint());
            sent = send(target, direct, timeout);
        }
        return answer(request, sent);
    }

    private record Sent(Member target, AdminResponse response, String failure) {
    }

    private static boolean isRedirect(AdminResponse answer, Member from) {
        return answer.getStatus() == AdminResponse.Status.NOT_LEADER && !answer.getLeaderHint().isEmpty()
                && !answer.getLeaderHint().equals(from.toString());
    }

    private Sent send(Member target, AdminRequest request, Duration timeout) throws InterruptedException {
        try {
            AdminClient.Sent sent = client.send(target, request, timeout.toMillis() + 1_000)
                    .get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
            return new Sent(target, sent.response(), sent.failure());
        } catch (ExecutionException | TimeoutException e) {
            return new Sent(target, null, String.valueOf(e));
        }
    }

    private Answer answer(AdminRequest request, Sent sent) {
        if (sent.response() == null) {
            return new Answer(Outcome.NO_ANSWER, "No answer from " + sent.target() + ": " + sent.failure());
        }
        AdminResponse answer = sent.response();
        if (answer.getStatus() != AdminResponse.Status.OK) {
            return new Answer(Outcome.REFUSED, answer.getStatus() + ": " + answer.getError()
                    + (answer.getLeaderHint().isEmpty() ? "" : " (leader: " + answer.getLeaderHint() + ")"));
        }
        return new Answer(Outcome.DONE, request.getKind() == AdminRequest.Kind.DESCRIBE
                ? AdminReport.status(answer) : AdminReport.change(answer));
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            executor.shutdownNow();
        }
    }
}
