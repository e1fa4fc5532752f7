package io.escrowstore.raft;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves commands forwarded by other members: proposes them if this node leads, otherwise answers
 * NOT_LEADER with the leader it knows of. A malformed command is refused before it is proposed,
 * counted, and logged at most once per 10 s with the number suppressed meanwhile.
 */
final class ForwardProcessor implements RpcProcessor<ForwardRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardProcessor.class);

    private final String raftGroup;
    private final Proposer proposer;
    private final AtomicLong badRequests = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    ForwardProcessor(String raftGroup, Proposer proposer) {
        this.raftGroup = raftGroup;
        this.proposer = proposer;
    }

    @Override
    public void handleRequest(RpcContext ctx, ForwardRequest request) {
        if (!raftGroup.equals(request.getGroup())) {
            refuse(ctx, "request for Raft group '" + request.getGroup() + "', this node serves '" + raftGroup + "'");
            return;
        }
        byte[] command = request.getCommand().toByteArray();
        try {
            Commands.decode(ByteBuffer.wrap(command));
        } catch (IllegalArgumentException e) {
            refuse(ctx, e.getMessage());
            return;
        }
        proposer.propose(command).whenComplete((response, error) -> ctx.sendResponse(
                error == null ? response : Outcomes.indeterminate(String.valueOf(error))));
    }

    private void refuse(RpcContext ctx, String why) {
        long count = badRequests.incrementAndGet();
        warnings.warn("forward-refused", "refused a forwarded request from {} ({} so far): {}", ctx.getRemoteAddress(),
                count, why);
        ctx.sendResponse(Outcomes.badRequest(why));
    }

    @Override
    public String interest() {
        return ForwardRequest.class.getName();
    }

    long badRequests() {
        return badRequests.get();
    }
}
