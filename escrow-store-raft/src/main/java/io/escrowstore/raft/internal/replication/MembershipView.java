package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The group's members as this node knows them.
 *
 * <p>jraft 1.3.15 reports a committed configuration ({@code onConfigurationCommitted}) only for a
 * <i>joint</i> entry (every peer change goes through one) and after loading a snapshot, and only
 * its voting peers. It says nothing for non-joint entries: the configuration each new leader
 * writes, learner (joining member) changes, the stable entry that ends a joint change. So a node
 * whose log holds no joint entry (a new member catching up from the start of the log, a snapshot
 * taken in the middle of a change, a restart before the log is replayed) would never learn its
 * members from the callback alone. Until the first committed configuration arrives, the members are
 * therefore those of the node's current configuration (the newest in its log or snapshot), and the
 * configured initial members before the node has started.
 */
public final class MembershipView {
    private final List<Member> initial;
    private volatile List<Member> committed;
    private volatile Supplier<Configuration> current = () -> null;

    /** @param initial the members before the node has started (empty for a joining node) */
    public MembershipView(List<Member> initial) {
        this.initial = List.copyOf(initial);
    }

    /** @param current the node's current configuration, possibly not yet committed; null if unknown */
    public void attach(Supplier<Configuration> current) {
        this.current = current;
    }

    /** jraft committed a configuration with these voting peers. */
    void committed(Configuration conf) {
        committed = members(conf.getPeers());
    }

    /** The voting members: as last committed, else as in the node's current configuration. */
    public List<Member> members() {
        List<Member> known = committed;
        if (known != null) {
            return known;
        }
        Configuration conf = current.get();
        return conf == null ? initial : members(conf.getPeers());
    }

    /** Joining (non-voting) members in the node's current configuration. */
    public List<Member> joining() {
        Configuration conf = current.get();
        return conf == null ? List.of() : members(conf.getLearners());
    }

    public static List<Member> members(Collection<PeerId> peers) {
        return peers.stream().map(Members::member).toList();
    }
}
