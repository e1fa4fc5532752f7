package io.escrowstore.raft.internal.routing;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.google.protobuf.ByteString;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.ForwardReply;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import io.escrowstore.raft.internal.replication.Answering;
import io.escrowstore.raft.internal.replication.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.replication.CommandProposer;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * Serves commands forwarded by other members: proposes them (or, for a read-index request,
 * confirms a read index) if this node leads, otherwise answers NOT_LEADER with the leader it knows
 * of, one answer per command in the request's order. A malformed command is refused before it is
 * proposed (the others of its request go ahead), counted, and logged at most once per 10 s with
 * the number suppressed meanwhile.
 *
 * <p>Requests are served on the transport's I/O thread that read them ({@link #executor()}): serving
 * one only decodes its commands and queues them for the next log entry (or a read-index round),
 * which never blocks, so a hand-off to a request pool would cost a thread wake-up per forwarded batch
 * and buy nothing. For the same reason the answers are taken where the leader learns them
 * ({@link Answering#WHERE_LEARNED}): the reply is sent from the thread that applied the entry.
 */
public final class ForwardProcessor implements RpcProcessor<ForwardRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardProcessor.class);

    private final String raftGroup;
    private final CommandProposer proposer;
    private final LeaderReadIndex readIndex;
    private final AtomicLong badRequests = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    public ForwardProcessor(String raftGroup, CommandProposer proposer, LeaderReadIndex readIndex) {
        this.raftGroup = raftGroup;
        this.proposer = proposer;
        this.readIndex = readIndex;
    }

    @Override
    public void handleRequest(RpcContext ctx, ForwardRequest request) {
        int count = request.getCommandsCount();
        if (!raftGroup.equals(request.getGroup())) {
            refuseAll(ctx, count, "request for Raft group '" + request.getGroup() + "', this node serves '"
                    + raftGroup + "'");
            return;
        }
        if (count == 0 || count > Commands.MAX_BATCH_COMMANDS) {
            refuseAll(ctx, count, "a forward request carries 1.." + Commands.MAX_BATCH_COMMANDS + " commands, not "
                    + count);
            return;
        }
        List<CompletableFuture<Outcome>> answers = new ArrayList<>(count);
        for (ByteString encoded : request.getCommandsList()) {
            answers.add(propose(ctx, encoded));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            ForwardReply.Builder reply = ForwardReply.newBuilder();
            answers.forEach(answer -> reply.addResponses(WireOutcomes.toWire(answer.getNow(null))));
            ctx.sendResponse(reply.build());
        });
    }

    private CompletableFuture<Outcome> propose(RpcContext ctx, ByteString encoded) {
        Command command;
        try {
            command = Commands.decode(encoded);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(refused(ctx, e.getMessage()));
        }
        CompletableFuture<Outcome> answer = command.hasReadIndex() ? readIndex.confirm()
                : proposer.propose(encoded.toByteArray(), Commands.batchKey(command), Answering.WHERE_LEARNED);
        return answer.exceptionally(error -> Outcomes.indeterminate(String.valueOf(error)));
    }

    private void refuseAll(RpcContext ctx, int count, String why) {
        ForwardResponse refused = WireOutcomes.toWire(refused(ctx, why));
        ForwardReply.Builder reply = ForwardReply.newBuilder();
        for (int i = 0; i < count; i++) {
            reply.addResponses(refused);
        }
        ctx.sendResponse(reply.build());
    }

    private Outcome refused(RpcContext ctx, String why) {
        long count = badRequests.incrementAndGet();
        warnings.warn("forward-refused", "refused a forwarded request from {} ({} so far): {}", ctx.getRemoteAddress(),
                count, why);
        return Outcomes.badRequest(why);
    }

    @Override
    public String interest() {
        return ForwardRequest.class.getName();
    }

    /** Runs each request where the transport read it; see the class comment. */
    @Override
    public Executor executor() {
        return Runnable::run;
    }

    public long badRequests() {
        return badRequests.get();
    }
}
