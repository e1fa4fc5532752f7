package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.ClusterInfo;
import io.escrowstore.raft.proto.EscrowProto.MemberInfo;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.util.List;
import java.util.Locale;

/** The text of {@link NodeAdminClient}'s answers: a node's status table, the members after a change. */
final class AdminReport {
    private AdminReport() {
    }

    /** The node's view; with the lag of every member when it leads, else where to ask for it. */
    static String status(AdminResponse answer) {
        NodeInfo node = answer.getNode();
        StringBuilder out = new StringBuilder();
        line(out, "node       %s", node.getSelf());
        line(out, "state      %s", node.getState());
        line(out, "leader     %s", node.getLeader().isEmpty() ? "none known" : node.getLeader());
        line(out, "term       %d", node.getTerm());
        line(out, "applied    %d   committed %d   last log %d   snapshot %d", node.getAppliedIndex(),
                node.getCommittedIndex(), node.getLastLogIndex(), node.getSnapshotIndex());
        line(out, "members    %s", String.join(", ", node.getMembersList()));
        line(out, "joining    %s", node.getJoiningList().isEmpty() ? "-" : String.join(", ", node.getJoiningList()));
        if (answer.hasCluster()) {
            cluster(answer.getCluster(), out);
        } else if (!node.getLeader().isEmpty()) {
            line(out, "(lag per member: ask the leader, %s)", node.getLeader());
        }
        return out.toString().stripTrailing();
    }

    /** The voting members after a membership change, or the leader a transfer reached. */
    static String change(AdminResponse answer) {
        List<String> members = answer.getMembersList();
        return members.isEmpty() ? "leader " + answer.getLeaderHint() : "members " + String.join(", ", members);
    }

    private static void cluster(ClusterInfo cluster, StringBuilder out) {
        out.append('\n');
        line(out, "member                 role      reachable  applied       lag   (leader commit index %d)",
                cluster.getCommitIndex());
        for (MemberInfo m : cluster.getMembersList()) {
            row(m, m.getMember().equals(cluster.getLeader()) ? "leader" : "follower", out);
        }
        for (MemberInfo m : cluster.getJoiningList()) {
            row(m, "joining", out);
        }
    }

    private static void row(MemberInfo m, String role, StringBuilder out) {
        line(out, "%-22s %-9s %-10s %-13s %s", m.getMember(), role, m.getReachable() ? "yes" : "no",
                m.getReachable() ? Long.toString(m.getAppliedIndex()) : "-",
                m.getReachable() ? Long.toString(m.getLag()) : "-");
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
