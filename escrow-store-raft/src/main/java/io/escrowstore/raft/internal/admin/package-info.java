/**
 * Administration and membership: the cluster admin service and its wire client, membership changes, cluster status,
 * offline snapshot restore. Internal: used by the store and the launcher module, no compatibility promise.
 */
package io.escrowstore.raft.internal.admin;
