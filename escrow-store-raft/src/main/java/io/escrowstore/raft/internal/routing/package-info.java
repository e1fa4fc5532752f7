/**
 * Routing: where a write goes, run locally on the leader or forwarded to it, with one retry loop for both.
 * Carries the at-most-once rules of a call that may or may not have reached the log.
 */
package io.escrowstore.raft.internal.routing;
