package io.escrowstore;

import java.util.List;
import java.util.Optional;

/**
 * A node's local view of its replica group; possibly already out of date when returned.
 *
 * @param self this node
 * @param leader the leader this node knows of, if any
 * @param term the latest Raft term this node has seen
 * @param members the committed membership
 * @param lastAppliedIndex the log index of the last request this node has applied
 */
public record StoreStatus(Member self, Optional<Member> leader, long term, List<Member> members, long lastAppliedIndex) {
    /** @throws IllegalArgumentException if a field is null */
    public StoreStatus {
        Checks.notNull(self, "self");
        Checks.notNull(leader, "leader");
        members = List.copyOf(Checks.notNull(members, "members"));
    }

    /** True if this node is the leader it knows of. */
    public boolean isLeader() {
        return leader.filter(self::equals).isPresent();
    }
}
