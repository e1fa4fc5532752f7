package io.escrowstore;

/** How fresh a read must be. */
public enum ReadConsistency {
    /**
     * The read reflects every request that completed before it started, on any node (Raft
     * read-index, confirmed by a majority). The default.
     */
    LINEARIZABLE,
    /**
     * The node's local state, possibly stale (a follower behind, or a deposed leader). No quorum
     * needed; never use it to decide whether to serve a call.
     */
    LOCAL
}
