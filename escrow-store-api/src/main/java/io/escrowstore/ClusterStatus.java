package io.escrowstore;

import java.util.List;
import java.util.Optional;

/**
 * The group as its leader saw it when asked; possibly already out of date when returned.
 *
 * @param leader the leader that answered
 * @param term its term
 * @param commitIndex its commit index: the log index up to which entries are decided
 * @param members the voting members, the leader included
 * @param joining members being added: they receive the log but do not vote yet
 */
public record ClusterStatus(Member leader, long term, long commitIndex, List<MemberStatus> members,
        List<MemberStatus> joining) {
    /** @throws IllegalArgumentException if a field is null */
    public ClusterStatus {
        Checks.notNull(leader, "leader");
        members = List.copyOf(Checks.notNull(members, "members"));
        joining = List.copyOf(Checks.notNull(joining, "joining"));
    }

    /** The voting members' addresses, in the order of {@link #members()}. */
    public List<Member> votingMembers() {
        return members.stream().map(MemberStatus::member).toList();
    }

    /** The status of {@code member}, voting or joining, if it belongs to the group. */
    public Optional<MemberStatus> member(Member member) {
        return java.util.stream.Stream.concat(members.stream(), joining.stream())
                .filter(s -> s.member().equals(member))
                .findFirst();
    }
}
