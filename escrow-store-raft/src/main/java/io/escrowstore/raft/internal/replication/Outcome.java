package io.escrowstore.raft.internal.replication;

import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.Objects;

/**
 * What became of one attempt to run a command on a leader, as this process passes it around: the
 * proposer, the read-index confirmation and the router speak it. Only the forward RPC carries it as
 * the wire message {@code ForwardResponse}, converted by {@code ForwardProcessor} (leader side)
 * and {@code ForwardClient} (sender side). Made by {@link Outcomes}.
 *
 * @param status what happened
 * @param result the command's outcome if {@link Status#APPLIED}, otherwise null
 * @param leaderHint for {@link Status#NOT_LEADER}, the leader the answering node knows of
 *     ({@code host:port}), otherwise or if it knows none empty
 * @param error why, for a status other than APPLIED and NOT_LEADER; otherwise empty
 */
public record Outcome(Status status, CommandResult result, String leaderHint, String error) {
    /** The statuses of {@code ForwardResponse}, with the same meaning. */
    public enum Status {
        /** The command was applied: {@link #result} holds its outcome. */
        APPLIED,
        /** Never proposed: the node does not lead; {@link #leaderHint} names the leader if known. */
        NOT_LEADER,
        /** Never proposed: the leader refused it under load. */
        BUSY,
        /** Proposed, outcome unknown. */
        INDETERMINATE,
        /** Refused unread: {@link #error} says why. */
        BAD_REQUEST
    }

    public Outcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(leaderHint, "leaderHint");
        Objects.requireNonNull(error, "error");
        if ((status == Status.APPLIED) != (result != null)) {
            throw new IllegalArgumentException("an outcome has a result exactly when it is APPLIED: " + status);
        }
    }
}
