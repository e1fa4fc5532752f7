package io.escrowstore.raft.internal.admin;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * Serves admin requests arriving on the Raft port, next to {@link ForwardProcessor}: checks the
 * group and every field before anything runs (a malformed request is refused and counted, with a
 * rate-limited warning), answers DESCRIBE from this node's own view, hands the operator requests
 * to {@link AdminQueries}, and every other kind to the {@link AdminService}, which runs it on the
 * leader.
 *
 * <p><b>Warning:</b> like forwarded commands, admin requests are authenticated only by the
 * transport: with TLS configured only members reach this processor; without it, whoever reaches
 * the Raft port can ask for a membership change, read channels or release a reservation (see
 * {@code docs/security.md}).
 */
public final class AdminProcessor implements RpcProcessor<AdminRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminProcessor.class);
    /** Longest timeout a remote caller may ask for; the node's own admin timeout caps it further. */
    static final long MAX_TIMEOUT_MS = TimeUnit.HOURS.toMillis(1);

    private final String raftGroup;
    private final AdminService service;
    private final AdminQueries queries;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private long refused;

    public AdminProcessor(String raftGroup, AdminService service, AdminQueries queries) {
        this.raftGroup = raftGroup;
        this.service = service;
        this.queries = queries;
    }

    @Override
    public void handleRequest(RpcContext ctx, AdminRequest request) {
        String invalid = validate(request);
        if (invalid != null) {
            long count;
            synchronized (this) {
                count = ++refused;
            }
            warnings.warn("admin-refused", "refused an admin request from {} ({} so far): {}", ctx.getRemoteAddress(),
                    count, invalid);
            ctx.sendResponse(AdminReplies.of(AdminResponse.Status.INVALID, invalid));
            return;
        }
        if (request.getKind() == AdminRequest.Kind.DESCRIBE) {
            service.describe(!request.getRouted()).whenComplete((answer, error) -> ctx.sendResponse(
                    error == null ? answer : AdminReplies.of(AdminResponse.Status.FAILED, String.valueOf(error))));
            return;
        }
        if (AdminQueries.handles(request.getKind())) {
            queries.answer(request).thenAccept(ctx::sendResponse);
            return;
        }
        service.submit(request).whenComplete((answer, error) -> ctx.sendResponse(
                error == null ? answer : AdminReplies.of(AdminResponse.Status.FAILED, String.valueOf(error))));
    }

    /** Why {@code request} must be refused unread, or null if it is well-formed. */
    public String validate(AdminRequest request) {
        if (!raftGroup.equals(request.getGroup())) {
            return "request for Raft group '" + request.getGroup() + "', this node serves '" + raftGroup + "'";
        }
        if (request.getTimeoutMillis() < 0 || request.getTimeoutMillis() > MAX_TIMEOUT_MS) {
            return "timeout must be 0.." + MAX_TIMEOUT_MS + " ms but was " + request.getTimeoutMillis();
        }
        if (AdminQueries.handles(request.getKind())) {
            return none(request.getMember(), "member") != null ? none(request.getMember(), "member")
                    : AdminQueries.validate(request);
        }
        switch (request.getKind()) {
            case DESCRIBE:
            case CLUSTER_STATUS:
                return none(request.getMember(), "member") != null ? none(request.getMember(), "member")
                        : none(request.getReplacement(), "replacement");
            case ADD_MEMBER:
            case REMOVE_MEMBER:
            case TRANSFER_LEADERSHIP:
                return member(request.getMember(), "member") != null ? member(request.getMember(), "member")
                        : none(request.getReplacement(), "replacement");
            case REPLACE_MEMBER:
                if (member(request.getMember(), "member") != null) {
                    return member(request.getMember(), "member");
                }
                if (member(request.getReplacement(), "replacement") != null) {
                    return member(request.getReplacement(), "replacement");
                }
                return request.getMember().equals(request.getReplacement()) ? "replacement must differ from member" : null;
            default:
                return "unknown admin request kind " + request.getKindValue();
        }
    }

    private static String member(String value, String field) {
        if (value.isEmpty() || value.length() > 300) {
            return field + " must be host:port";
        }
        try {
            Member.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return field + ": " + e.getMessage();
        }
    }

    private static String none(String value, String field) {
        return value.isEmpty() ? null : field + " must be empty for this request";
    }

    @Override
    public String interest() {
        return AdminRequest.class.getName();
    }

    public synchronized long refused() {
        return refused;
    }
}
