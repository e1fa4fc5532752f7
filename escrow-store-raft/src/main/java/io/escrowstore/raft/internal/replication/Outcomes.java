package io.escrowstore.raft.internal.replication;

import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse.Status;
import java.util.Optional;

/**
 * What became of one attempt to run a command on a leader. The same message answers a local
 * proposal and a forwarded one, so the router treats both alike.
 */
public final class Outcomes {
    private Outcomes() {
    }

    public static ForwardResponse applied(CommandResult result) {
        return ForwardResponse.newBuilder().setStatus(Status.APPLIED).setResult(result).build();
    }

    public static ForwardResponse notLeader(Optional<Member> leader) {
        return ForwardResponse.newBuilder()
                .setStatus(Status.NOT_LEADER)
                .setLeaderHint(leader.map(Member::toString).orElse(""))
                .build();
    }

    public static ForwardResponse busy(String why) {
        return ForwardResponse.newBuilder().setStatus(Status.BUSY).setError(why).build();
    }

    public static ForwardResponse indeterminate(String why) {
        return ForwardResponse.newBuilder().setStatus(Status.INDETERMINATE).setError(why).build();
    }

    public static ForwardResponse badRequest(String why) {
        return ForwardResponse.newBuilder().setStatus(Status.BAD_REQUEST).setError(why).build();
    }
}
