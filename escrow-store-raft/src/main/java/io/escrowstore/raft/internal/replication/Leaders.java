package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import java.util.Optional;

/** The leader a node knows of, or another node names, as a {@link Member}. */
public final class Leaders {
    private Leaders() {
    }

    /** @param node the node, or null before it started */
    public static Optional<Member> of(Node node) {
        PeerId leader = node == null ? null : node.getLeaderId();
        if (leader == null || leader.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Members.member(leader));
    }

    /** The leader named by another node's answer; empty if it names none or is malformed. */
    public static Optional<Member> hint(String leaderHint) {
        if (leaderHint.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Member.parse(leaderHint));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
