package io.escrowstore.raft.internal.admin;

import com.alipay.sofa.jraft.Node;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;

/** This node's own view, as the admin RPC reports it: role, term, indexes, members. Never blocks. */
public final class NodeDescriber {
    private final Member self;
    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;

    public NodeDescriber(Member self, Supplier<Node> node, PaymentStateMachine fsm) {
        this.self = self;
        this.node = node;
        this.fsm = fsm;
    }

    NodeInfo describe() {
        Node current = node.get();
        NodeInfo.Builder info = NodeInfo.newBuilder()
                .setSelf(self.toString())
                .setTerm(fsm.knownTerm())
                .setSnapshotIndex(fsm.lastSnapshotIndex())
                .addAllMembers(fsm.members().stream().map(Member::toString).toList())
                .addAllJoining(fsm.membership().joining().stream().map(Member::toString).toList());
        if (current == null) {
            return info.setState("STATE_UNINITIALIZED").build();
        }
        Leaders.of(current).ifPresent(leader -> info.setLeader(leader.toString()));
        return info.setState(current.getNodeState().name())
                .setAppliedIndex(current.getLastAppliedLogIndex())
                .setCommittedIndex(current.getLastCommittedIndex())
                .setLastLogIndex(current.getLastLogIndex())
                .build();
    }
}
