package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import java.util.Optional;

/** The leader a node currently knows of, as a {@link Member}. */
final class Leaders {
    private Leaders() {
    }

    /** @param node the node, or null before it started */
    static Optional<Member> of(Node node) {
        PeerId leader = node == null ? null : node.getLeaderId();
        if (leader == null || leader.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PaymentStateMachine.member(leader));
    }
}
