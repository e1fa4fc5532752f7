package io.escrowstore.raft.internal.admin;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * One jraft configuration change as a future that completes, on the store's executor, once the
 * change is committed (jraft runs the closure after the new configuration's stable entry commits),
 * or fails with the {@link ChangeFailure} to answer. Statuses that prove nothing was decided and
 * may pass (jraft busy with another change, leadership moving, a peer still catching up) ask the
 * caller to retry; loss of leadership redirects it; anything else fails the change.
 */
public final class ConfSteps {
    private final Executor executor;

    public ConfSteps(Executor executor) {
        this.executor = executor;
    }

    /** @param change calls one of jraft's {@code Node} configuration methods with the given closure */
    CompletableFuture<Void> run(Node node, String what, Consumer<Closure> change) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Closure closure = status -> Handoff.run(executor, () -> {
            if (status.isOk()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new ChangeFailure(answer(status, what, node)));
            }
        });
        try {
            change.accept(closure);
        } catch (IllegalStateException e) {
            done.completeExceptionally(new ChangeFailure(AdminReplies.notLeader(Leaders.of(node))));
        } catch (IllegalArgumentException e) {
            done.completeExceptionally(new ChangeFailure(AdminReplies.of(AdminResponse.Status.INVALID,
                    what + ": " + e.getMessage())));
        }
        return done;
    }

    static AdminResponse answer(Status status, String what, Node node) {
        RaftError error = status.getRaftError();
        String message = what + " failed: " + error + " " + status.getErrorMsg();
        if (error == RaftError.EBUSY || error == RaftError.ECATCHUP || error == RaftError.EAGAIN) {
            return AdminReplies.of(AdminResponse.Status.RETRY, message);
        }
        if (error == RaftError.EPERM || error == RaftError.ELEADERREMOVED || error == RaftError.ETRANSFERLEADERSHIP
                || error == RaftError.ENEWLEADER || error == RaftError.EHIGHERTERMRESPONSE
                || error == RaftError.EHIGHERTERMREQUEST) {
            return AdminReplies.notLeader(Leaders.of(node)).toBuilder().setError(message).build();
        }
        if (error == RaftError.EINVAL) {
            return AdminReplies.of(AdminResponse.Status.INVALID, message);
        }
        return AdminReplies.of(AdminResponse.Status.FAILED, message);
    }
}
