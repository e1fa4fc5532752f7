package io.escrowstore.raft.internal.admin;

import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse.Status;
import java.util.List;
import java.util.Optional;

/** Builders of {@link AdminResponse}s, so every path answers alike. */
final class AdminReplies {
    private AdminReplies() {
    }

    static AdminResponse ok(List<Member> members) {
        return AdminResponse.newBuilder().setStatus(Status.OK)
                .addAllMembers(members.stream().map(Member::toString).toList()).build();
    }

    static AdminResponse leader(Member leader) {
        return AdminResponse.newBuilder().setStatus(Status.OK).setLeaderHint(leader.toString()).build();
    }

    static AdminResponse notLeader(Optional<Member> leader) {
        return AdminResponse.newBuilder().setStatus(Status.NOT_LEADER)
                .setLeaderHint(leader.map(Member::toString).orElse("")).build();
    }

    static AdminResponse of(Status status, String error) {
        return AdminResponse.newBuilder().setStatus(status).setError(error).build();
    }

    /** True if the status ends the call (anything but a redirect or a transient refusal). */
    static boolean isFinal(Status status) {
        return status != Status.NOT_LEADER && status != Status.RETRY;
    }
}
