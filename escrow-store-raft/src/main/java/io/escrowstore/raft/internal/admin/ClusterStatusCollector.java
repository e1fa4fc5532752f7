package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.internal.replication.Members;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.ClusterInfo;
import io.escrowstore.raft.proto.EscrowProto.MemberInfo;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;

/**
 * The leader's view of the group: every voting and joining member asked, in parallel, how far it
 * has applied; one that does not answer within {@link #ASK_TIMEOUT_MS} is reported unreachable.
 * Lag is the leader's commit index minus the member's applied index.
 */
public final class ClusterStatusCollector {
    static final long ASK_TIMEOUT_MS = 1_000;

    private final Member self;
    private final String raftGroup;
    private final AdminClient client;

    public ClusterStatusCollector(Member self, String raftGroup, AdminClient client) {
        this.self = self;
        this.raftGroup = raftGroup;
        this.client = client;
    }

    /**
     * @throws IllegalStateException if {@code leader} no longer leads (jraft lists members only on the leader)
     */
    CompletableFuture<ClusterInfo> collect(Node leader, long term) {
        List<PeerId> peers = leader.listPeers();
        List<PeerId> learners = leader.listLearners();
        long commit = leader.getLastCommittedIndex();
        long selfApplied = leader.getLastAppliedLogIndex();
        List<CompletableFuture<MemberInfo>> voting = ask(peers, commit, selfApplied);
        List<CompletableFuture<MemberInfo>> joining = ask(learners, commit, selfApplied);
        List<CompletableFuture<MemberInfo>> all = new ArrayList<>(voting);
        all.addAll(joining);
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(done -> ClusterInfo.newBuilder()
                .setLeader(self.toString())
                .setTerm(term)
                .setCommitIndex(commit)
                .addAllMembers(voting.stream().map(CompletableFuture::join).toList())
                .addAllJoining(joining.stream().map(CompletableFuture::join).toList())
                .build());
    }

    private List<CompletableFuture<MemberInfo>> ask(List<PeerId> peers, long commit, long selfApplied) {
        List<CompletableFuture<MemberInfo>> answers = new ArrayList<>();
        for (PeerId peer : peers) {
            Member member = Members.member(peer);
            if (member.equals(self)) {
                answers.add(CompletableFuture.completedFuture(info(member, Optional.of(selfApplied), commit)));
            } else {
                answers.add(client.describe(member, raftGroup, ASK_TIMEOUT_MS)
                        .thenApply(node -> info(member, node.map(NodeInfo::getAppliedIndex), commit)));
            }
        }
        return answers;
    }

    private static MemberInfo info(Member member, Optional<Long> applied, long commit) {
        return MemberInfo.newBuilder()
                .setMember(member.toString())
                .setReachable(applied.isPresent())
                .setAppliedIndex(applied.orElse(-1L))
                .setLag(applied.map(a -> Math.max(0, commit - a)).orElse(-1L))
                .build();
    }
}
