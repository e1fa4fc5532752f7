package io.escrowstore.raft.internal.admin;

import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.support.NamedThreads;
import io.escrowstore.raft.internal.transport.TransportSecurity;

/**
 * A client of one running node's admin RPC, from outside any store (the node launcher's admin
 * commands): the same requests members send each other. {@link #status} answers from the node
 * asked, with lag per member when it leads; the membership calls are run by the leader wherever
 * they are sent, and each is idempotent and bounded by its timeout (the node's
 * {@code adminTimeout} caps it). With TLS the client's key store must hold an operator certificate
 * (members may not change the group) and a change is sent to the leader itself, following the
 * asked node's leader hint, since a follower relaying it would do so as a member. The operator
 * reads ({@link #channels}, {@link #channel}, {@link #claimOutcome}, {@link #unclaimed},
 * {@link #settlements}) are linearizable reads on the node asked; {@link #releaseReservation} is the
 * store's replicated release, run by the leader. Answers are operator-readable text, and for
 * {@link #status} and the operator calls also data.
 */
public final class NodeAdminClient implements AutoCloseable {
    /** How a call ended. */
    public enum Outcome {
        /** The node did it (or answered); the text is the answer. */
        DONE,
        /** The node refused; the text is its status and reason, e.g. {@code NOT_CAUGHT_UP: ...}. */
        REFUSED,
        /**
         * No answer within the timeout, the node could not be reached, or it had no leader or
         * quorum ({@code NO_LEADER}, {@code RETRY}); the text says why.
         */
        NO_ANSWER,
        /** The node holds no such channel, outcome or reservation; the text says what was asked. */
        NOT_FOUND
    }

    /**
     * The outcome of a call and its text, one or more lines without a trailing line break; when
     * {@link Outcome#DONE DONE}, {@code data} is the answer as ordered maps of strings, longs,
     * booleans, lists and maps (amounts and channel ids as decimal strings, bytes as 0x hex); for a
     * membership change, its {@code members} after it.
     */
    public record Answer(Outcome outcome, String text, Map<String, Object> data) {
        public Answer(Outcome outcome, String text) {
            this(outcome, text, Map.of());
        }
    }

    /** Most channels {@link #channels} returns in one page. */
    public static final int MAX_PAGE = AdminQueries.MAX_PAGE;

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

    /**
     * Up to {@code limit} (1..{@link #MAX_PAGE}) channels with an id above {@code after} (from the
     * first if empty), by id; the data's {@code nextAfter} is the cursor of the next page, absent on
     * the last.
     */
    public Answer channels(Optional<BigInteger> after, int limit, Duration timeout) throws InterruptedException {
        AdminRequest.Builder request = request(AdminRequest.Kind.LIST_CHANNELS, timeout).setLimit(limit);
        after.ifPresent(id -> request.setChannelId(ProtoMapper.uint256(id)));
        return call(request.build(), timeout);
    }

    /** One channel, with the reservation blocking it now and its pending settlement; NOT_FOUND if none. */
    public Answer channel(BigInteger channelId, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.SHOW_CHANNEL, timeout).setChannelId(ProtoMapper.uint256(channelId))
                .build(), timeout);
    }

    /** The recorded outcome of the claim (or commit) with this request id; NOT_FOUND if none is held. */
    public Answer claimOutcome(String requestId, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.CLAIM_OUTCOME, timeout).setRequestId(requestId).build(), timeout);
    }

    /** Channels with an authorized amount above 0, by id. */
    public Answer unclaimed(Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.UNCLAIMED, timeout).build(), timeout);
    }

    /** Settlements started and not yet seen claimed on chain, by channel id. */
    public Answer settlements(Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.SETTLEMENTS, timeout).build(), timeout);
    }

    /**
     * Releases a reservation through the leader, as the store's replicated release command under
     * the reservation's release request id, so asking again is answered with the first outcome. The
     * node logs {@code reason} with the reservation and channel at INFO. NOT_FOUND if the
     * reservation is not held (never made, already committed or released).
     */
    public Answer releaseReservation(long reservationId, String reason, Duration timeout) throws InterruptedException {
        return call(request(AdminRequest.Kind.RELEASE_RESERVATION, timeout).setReservationId(reservationId)
                .setReason(reason).build(), timeout);
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
            return new Answer(refusal(answer.getStatus()), answer.getStatus() + ": " + answer.getError()
                    + (answer.getLeaderHint().isEmpty() ? "" : " (leader: " + answer.getLeaderHint() + ")"));
        }
        Map<String, Object> data = switch (request.getKind()) {
            case DESCRIBE -> AdminViews.status(answer);
            case LIST_CHANNELS, UNCLAIMED -> AdminViews.channels(answer);
            case SHOW_CHANNEL -> AdminViews.shown(answer);
            case CLAIM_OUTCOME, RELEASE_RESERVATION -> AdminViews.result(answer);
            case SETTLEMENTS -> AdminViews.settlements(answer);
            default -> Map.of("members", List.copyOf(answer.getMembersList()));
        };
        String text = switch (request.getKind()) {
            case DESCRIBE -> AdminReport.status(answer);
            case ADD_MEMBER, REMOVE_MEMBER, REPLACE_MEMBER, TRANSFER_LEADERSHIP, CLUSTER_STATUS ->
                    AdminReport.change(answer);
            default -> AdminText.of(data);
        };
        return new Answer(Outcome.DONE, text, data);
    }

    private static Outcome refusal(AdminResponse.Status status) {
        return switch (status) {
            case NOT_FOUND -> Outcome.NOT_FOUND;
            case NO_LEADER, RETRY -> Outcome.NO_ANSWER;
            default -> Outcome.REFUSED;
        };
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
