/**
 * TEST ONLY: the deliberately unsafe switches that exist to prove the fault suites and the history checker catch
 * each kind of broken store. Not on the public builder; the launcher never names this package and refuses any switch.
 */
package io.escrowstore.raft.internal.testing;
