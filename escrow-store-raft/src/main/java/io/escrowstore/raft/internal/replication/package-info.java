/**
 * Replication: the Raft state machine, the proposer and its batcher, entry stamps, snapshots and applied-index waits.
 * Turns committed jraft log entries into ledger calls and back into answers for the callers waiting on them.
 */
package io.escrowstore.raft.internal.replication;
