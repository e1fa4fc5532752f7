package io.escrowstore;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Changes who the store's members are, for operators: grow the group, shrink it, replace a dead
 * member by a new one, move leadership. Obtain it from the store node (for the Raft store,
 * {@code RaftPaymentStore.admin()}). Any node accepts every call and hands it to the leader.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>One change at a time.</b> While one membership change or leadership transfer runs, a
 *       second fails at once with {@link MembershipChangeException.Reason#CHANGE_IN_PROGRESS};
 *       nothing of it was done. Each change returns only once it is committed by the group.</li>
 *   <li><b>A new member never weakens the quorum.</b> {@link #addMemberAsync} first adds the
 *       node as a non-voting <i>joining</i> member that receives the log (or, when the log was
 *       compacted, a snapshot), and makes it a voting member only once it has applied everything
 *       the leader had committed when it was last asked.</li>
 *   <li><b>Leadership moves before the leader leaves.</b> Removing the leader first hands
 *       leadership to another member, which then removes it.</li>
 *   <li><b>Idempotent.</b> Asking for a membership that already holds succeeds at once: adding a
 *       member, removing a non-member, transferring to the current leader. After a timeout or
 *       {@link MembershipChangeException.Reason#NOT_CAUGHT_UP}, repeating the same call continues
 *       where the change stopped.</li>
 *   <li><b>Bounded.</b> Every change completes within the store's admin deadline (for the Raft
 *       store, {@code RaftStoreConfig.adminTimeout}, 2 minutes by default).</li>
 * </ul>
 * Failures are unchecked: {@link MembershipChangeException} (refused, not caught up, or timed out
 * part way), {@link NoQuorumException} (no leader within the deadline; nothing was changed),
 * {@link StoreClosedException}. The {@code …Async} methods return a future failed with one; the
 * blocking twins throw it.
 *
 * <p><b>Warning:</b> membership is not payment traffic. A change commits one or more log entries
 * and, for a new member, ships it the whole state; run changes one after another, from one
 * operator, and check {@link #clusterStatusAsync} between them.
 */
public interface ClusterAdmin {

    /**
     * Adds {@code member} as a voting member. The node must already run, started as a joining
     * node (for the Raft store, {@code RaftStoreConfig.Builder.joining(true)}), reachable from the
     * leader. Returns once it votes.
     *
     * @return the voting members after the change
     * @throws MembershipChangeException (in the future) with {@code NOT_CAUGHT_UP} if it did not catch
     *     up by the deadline: it stays a joining member; call again to continue or
     *     {@link #removeMemberAsync} to abandon
     */
    CompletableFuture<List<Member>> addMemberAsync(Member member);

    /** Blocking twin of {@link #addMemberAsync}. */
    default List<Member> addMember(Member member) {
        return Blocking.await(addMemberAsync(member));
    }

    /**
     * Removes {@code member} (voting or joining). Refused with {@code INVALID_REQUEST} if it is the
     * only member, or if the members left would not have a reachable majority. Removing the
     * leader hands leadership over first.
     *
     * @return the voting members after the change
     */
    CompletableFuture<List<Member>> removeMemberAsync(Member member);

    /** Blocking twin of {@link #removeMemberAsync}. */
    default List<Member> removeMember(Member member) {
        return Blocking.await(removeMemberAsync(member));
    }

    /**
     * Replaces {@code old} (typically dead) by {@code replacement} (a running joining node on a
     * new host, port or data directory): adds the replacement as {@link #addMemberAsync} does,
     * then removes {@code old}. The group never has fewer voting members than before, so a
     * 3-member group with one dead member keeps serving throughout.
     *
     * @return the voting members after the change
     */
    CompletableFuture<List<Member>> replaceMemberAsync(Member old, Member replacement);

    /** Blocking twin of {@link #replaceMemberAsync}. */
    default List<Member> replaceMember(Member old, Member replacement) {
        return Blocking.await(replaceMemberAsync(old, replacement));
    }

    /**
     * Makes {@code target}, a voting member, the leader. Calls in flight during the hand-over are
     * retried by the store as in any leader change.
     *
     * @return the leader once the hand-over is done
     */
    CompletableFuture<Member> transferLeadershipAsync(Member target);

    /** Blocking twin of {@link #transferLeadershipAsync}. */
    default Member transferLeadership(Member target) {
        return Blocking.await(transferLeadershipAsync(target));
    }

    /**
     * The group as its leader sees it: leader, term, commit index, and per member whether it
     * answered and how far its applied index lags behind the leader's commit index. Bounded by the
     * store's request deadline (not the admin deadline); {@link NoQuorumException} without a leader.
     */
    CompletableFuture<ClusterStatus> clusterStatusAsync();

    /** Blocking twin of {@link #clusterStatusAsync}. */
    default ClusterStatus clusterStatus() {
        return Blocking.await(clusterStatusAsync());
    }
}
