package io.escrowstore.raft.internal.transport;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import com.alipay.sofa.jraft.entity.PeerId;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * A TLS store's RPC server: every processor registered through it first checks the role
 * ({@link PeerRole}) the connection's certificate was given at its handshake. Operators may send
 * admin requests only; members may send everything else, and of the admin requests only the
 * read-only ones members exchange ({@link #MEMBER_ADMIN_KINDS}); a member's Raft message must
 * name, as its sender, a host of the member's own certificate. A refused admin request is
 * answered {@code INVALID} naming the role it needs; any other refused request closes the
 * connection unanswered. A connection with no recorded role (its handshake never completed) is
 * refused everything. Refusals are counted and logged at WARN, rate-limited.
 */
public final class RoleCheckingRpcServer implements RpcServer {
    /** The admin requests a member certificate may send: status only, never a change. */
    public static final Set<AdminRequest.Kind> MEMBER_ADMIN_KINDS =
            Set.of(AdminRequest.Kind.DESCRIBE, AdminRequest.Kind.CLUSTER_STATUS);

    private static final Logger LOG = LoggerFactory.getLogger(RoleCheckingRpcServer.class);

    private final RpcServer delegate;
    private final String name;
    private final AtomicLong refused = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    public RoleCheckingRpcServer(RpcServer delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    @Override
    public boolean init(Void opts) {
        return delegate.init(opts);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
        delegate.registerConnectionClosedEventListener(listener);
    }

    @Override
    public int boundPort() {
        return delegate.boundPort();
    }

    @Override
    public void registerProcessor(RpcProcessor<?> processor) {
        delegate.registerProcessor(checked(processor));
    }

    /** Requests refused for their sender's role since start. */
    public long refusedRequests() {
        return refused.get();
    }

    private <T> RpcProcessor<T> checked(RpcProcessor<T> processor) {
        return new RpcProcessor<>() {
            @Override
            public void handleRequest(RpcContext context, T request) {
                PeerRole.Peer peer = (PeerRole.Peer) context.getConnection().getAttribute(PeerRole.CONNECTION_ATTRIBUTE);
                PeerRole role = peer == null ? null : peer.role();
                if (allowed(peer, request)) {
                    processor.handleRequest(context, request);
                    return;
                }
                long count = refused.incrementAndGet();
                warnings.warn("role-refused", "{}: refused {} from {} with certificate {} ({} so far)", name,
                        describe(request), context.getRemoteAddress(), peer, count);
                if (request instanceof AdminRequest) {
                    context.sendResponse(AdminResponse.newBuilder().setStatus(AdminResponse.Status.INVALID)
                            .setError(describe(request) + " needs an operator certificate; this connection's is "
                                    + (role == null ? "unknown" : "a " + role.name().toLowerCase(Locale.ROOT) + "'s"))
                            .build());
                } else {
                    context.getConnection().close();
                }
            }

            @Override
            public String interest() {
                return processor.interest();
            }

            @Override
            public Executor executor() {
                return processor.executor();
            }

            @Override
            public ExecutorSelector executorSelector() {
                return processor.executorSelector();
            }
        };
    }

    static boolean allowed(PeerRole.Peer peer, Object request) {
        if (peer == null) {
            return false;
        }
        if (request instanceof AdminRequest admin) {
            return peer.role() == PeerRole.OPERATOR || MEMBER_ADMIN_KINDS.contains(admin.getKind());
        }
        return peer.role() == PeerRole.MEMBER && claimsOwnName(peer, request);
    }

    /**
     * True unless the request is a jraft message whose {@code server_id} (the candidate of a vote,
     * the leader of an append, snapshot install or timeout-now, the follower of a read-index)
     * names a host its sender's certificate does not: a member key may not speak for another member.
     */
    private static boolean claimsOwnName(PeerRole.Peer peer, Object request) {
        if (!(request instanceof Message message)) {
            return true;
        }
        Descriptors.FieldDescriptor field = message.getDescriptorForType().findFieldByName("server_id");
        if (field == null || field.getJavaType() != Descriptors.FieldDescriptor.JavaType.STRING) {
            return true;
        }
        PeerId claimed = PeerId.parsePeer((String) message.getField(field));
        return claimed != null && peer.names().contains(claimed.getIp().toLowerCase(Locale.ROOT));
    }

    private static String describe(Object request) {
        return request instanceof AdminRequest admin ? "admin request " + admin.getKind()
                : request.getClass().getSimpleName();
    }
}
