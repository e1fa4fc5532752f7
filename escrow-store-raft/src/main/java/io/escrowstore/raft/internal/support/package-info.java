/**
 * Small building blocks the other internal packages share: deadlines, back-off, polls, executor hand-off,
 * thread names, rate-limited logging and the node's counters.
 */
package io.escrowstore.raft.internal.support;
