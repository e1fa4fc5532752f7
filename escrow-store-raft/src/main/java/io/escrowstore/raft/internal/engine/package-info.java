/**
 * Engine wiring: jraft node options, the durable term/vote storage, engine failures, startup checks, metrics bridge
 * and the properties parser the launcher uses. Internal: no compatibility promise.
 */
package io.escrowstore.raft.internal.engine;
