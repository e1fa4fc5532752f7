package io.escrowstore.raft.internal.replication;

import io.escrowstore.Member;
import io.escrowstore.raft.internal.replication.Outcome.Status;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.util.Optional;

/**
 * What became of one attempt to run a command on a leader ({@link Outcome}). The same value answers
 * a local proposal and a forwarded one, so the router treats both alike.
 */
public final class Outcomes {
    private Outcomes() {
    }

    public static Outcome applied(CommandResult result) {
        return new Outcome(Status.APPLIED, result, "", "");
    }

    public static Outcome notLeader(Optional<Member> leader) {
        return new Outcome(Status.NOT_LEADER, null, leader.map(Member::toString).orElse(""), "");
    }

    public static Outcome busy(String why) {
        return new Outcome(Status.BUSY, null, "", why);
    }

    public static Outcome indeterminate(String why) {
        return new Outcome(Status.INDETERMINATE, null, "", why);
    }

    public static Outcome badRequest(String why) {
        return new Outcome(Status.BAD_REQUEST, null, "", why);
    }
}
