package io.escrowstore;

import java.util.OptionalLong;

/**
 * One member as the leader saw it.
 *
 * @param member its address
 * @param reachable true if it answered the leader within a second
 * @param appliedIndex the last log index it has applied, if it answered
 * @param lag how many committed entries it has not applied yet (the leader's commit index minus
 *     its applied index, at least 0), if it answered
 */
public record MemberStatus(Member member, boolean reachable, OptionalLong appliedIndex, OptionalLong lag) {
    /** @throws IllegalArgumentException if a field is null */
    public MemberStatus {
        Checks.notNull(member, "member");
        Checks.notNull(appliedIndex, "appliedIndex");
        Checks.notNull(lag, "lag");
    }
}
