/**
 * Reads: linearizable reads through jraft's ReadIndex, answered once the local state machine has caught up.
 * A follower asks the leader to confirm its index; nothing here changes state.
 */
package io.escrowstore.raft.internal.reads;
