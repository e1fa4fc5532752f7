package io.escrowstore.raft.internal.admin;

import io.escrowstore.ClusterAdmin;
import io.escrowstore.ClusterStatus;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.Member;
import io.escrowstore.MemberStatus;
import io.escrowstore.MembershipChangeException;
import io.escrowstore.MembershipChangeException.Reason;
import io.escrowstore.NoQuorumException;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.ClusterInfo;
import io.escrowstore.raft.proto.EscrowProto.MemberInfo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** {@link ClusterAdmin} of one store node: every call goes through its {@link AdminService}. */
public final class RaftClusterAdmin implements ClusterAdmin {
    private final String raftGroup;
    private final AdminService service;
    private final Duration statusTimeout;

    /** @param statusTimeout deadline of {@link #clusterStatusAsync} (changes use the admin timeout) */
    public RaftClusterAdmin(String raftGroup, AdminService service, Duration statusTimeout) {
        this.raftGroup = raftGroup;
        this.service = service;
        this.statusTimeout = statusTimeout;
    }

    @Override
    public CompletableFuture<List<Member>> addMemberAsync(Member member) {
        Objects.requireNonNull(member, "member");
        return call(request(AdminRequest.Kind.ADD_MEMBER, member)).thenApply(RaftClusterAdmin::members);
    }

    @Override
    public CompletableFuture<List<Member>> removeMemberAsync(Member member) {
        Objects.requireNonNull(member, "member");
        return call(request(AdminRequest.Kind.REMOVE_MEMBER, member)).thenApply(RaftClusterAdmin::members);
    }

    @Override
    public CompletableFuture<List<Member>> replaceMemberAsync(Member old, Member replacement) {
        Objects.requireNonNull(old, "old");
        Objects.requireNonNull(replacement, "replacement");
        if (old.equals(replacement)) {
            throw new IllegalArgumentException("replacement must differ from the member it replaces: " + old);
        }
        return call(request(AdminRequest.Kind.REPLACE_MEMBER, old).toBuilder().setReplacement(replacement.toString())
                .build()).thenApply(RaftClusterAdmin::members);
    }

    @Override
    public CompletableFuture<Member> transferLeadershipAsync(Member target) {
        Objects.requireNonNull(target, "target");
        return call(request(AdminRequest.Kind.TRANSFER_LEADERSHIP, target))
                .thenApply(answer -> Member.parse(answer.getLeaderHint()));
    }

    @Override
    public CompletableFuture<ClusterStatus> clusterStatusAsync() {
        return call(AdminRequest.newBuilder().setGroup(raftGroup).setKind(AdminRequest.Kind.CLUSTER_STATUS)
                .setTimeoutMillis(Math.max(1, statusTimeout.toMillis())).build())
                .thenApply(answer -> clusterStatus(answer.getCluster()));
    }

    private AdminRequest request(AdminRequest.Kind kind, Member member) {
        return AdminRequest.newBuilder().setGroup(raftGroup).setKind(kind).setMember(member.toString()).build();
    }

    private CompletableFuture<AdminResponse> call(AdminRequest request) {
        return service.submit(request).thenApply(answer -> {
            if (answer.getStatus() != AdminResponse.Status.OK) {
                throw failure(answer);
            }
            return answer;
        });
    }

    /** The exception a caller gets for a response other than OK. */
    static EscrowStoreException failure(AdminResponse answer) {
        String error = answer.getError();
        switch (answer.getStatus()) {
            case NO_LEADER:
                return new NoQuorumException(error);
            case CHANGE_IN_PROGRESS:
                return new MembershipChangeException(Reason.CHANGE_IN_PROGRESS, error);
            case INVALID:
                return new MembershipChangeException(Reason.INVALID_REQUEST, error);
            case NOT_CAUGHT_UP:
                return new MembershipChangeException(Reason.NOT_CAUGHT_UP, error);
            case TIMED_OUT:
                return new MembershipChangeException(Reason.TIMED_OUT, error);
            default:
                return new MembershipChangeException(Reason.FAILED, answer.getStatus() + " " + error);
        }
    }

    static List<Member> members(AdminResponse answer) {
        return answer.getMembersList().stream().map(Member::parse).toList();
    }

    static ClusterStatus clusterStatus(ClusterInfo info) {
        return new ClusterStatus(Member.parse(info.getLeader()), info.getTerm(), info.getCommitIndex(),
                info.getMembersList().stream().map(RaftClusterAdmin::memberStatus).toList(),
                info.getJoiningList().stream().map(RaftClusterAdmin::memberStatus).toList());
    }

    private static MemberStatus memberStatus(MemberInfo info) {
        return new MemberStatus(Member.parse(info.getMember()), info.getReachable(),
                info.getReachable() ? OptionalLong.of(info.getAppliedIndex()) : OptionalLong.empty(),
                info.getReachable() ? OptionalLong.of(info.getLag()) : OptionalLong.empty());
    }
}
