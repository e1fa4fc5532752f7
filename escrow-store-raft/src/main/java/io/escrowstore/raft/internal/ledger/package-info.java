/**
 * The ledger: channels, reservations, settlements and request outcomes, and the commands that change them.
 * Pure Java over protobuf messages, no Raft engine type: every replica runs it identically on each committed entry.
 */
package io.escrowstore.raft.internal.ledger;
