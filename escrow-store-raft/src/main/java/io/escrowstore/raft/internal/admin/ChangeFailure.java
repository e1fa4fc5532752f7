package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.util.concurrent.CompletionException;

/** A step of a membership change that ended it, carrying the answer to give. Control flow only. */
final class ChangeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient AdminResponse response;

    ChangeFailure(AdminResponse response) {
        super(response.getStatus() + ": " + response.getError(), null, false, false);
        this.response = response;
    }

    AdminResponse response() {
        return response;
    }

    /** The answer for any failure of a change: its own, or FAILED naming the unexpected error. */
    static AdminResponse answerFor(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ChangeFailure failure) {
            return failure.response();
        }
        if (cause instanceof IllegalStateException && "Not leader".equals(cause.getMessage())) {
            return AdminReplies.notLeader(java.util.Optional.empty()); // jraft lists members only on the leader
        }
        return AdminReplies.of(AdminResponse.Status.FAILED, String.valueOf(cause));
    }
}
