package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;

/** The one place where a store {@link Member} and a jraft {@link PeerId} turn into each other. */
public final class Members {
    private Members() {
    }

    /** The jraft peer id of a member: same host and port. */
    public static PeerId peer(Member member) {
        return new PeerId(member.host(), member.port());
    }

    /** The member a jraft peer id names: same host and port. */
    public static Member member(PeerId peer) {
        return new Member(peer.getIp(), peer.getPort());
    }
}
