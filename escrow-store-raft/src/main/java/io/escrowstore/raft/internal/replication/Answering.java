package io.escrowstore.raft.internal.replication;

/**
 * Which thread completes the answer of a proposed command. User code must never run on a Raft
 * thread, but a store's own non-blocking steps may, and skipping the hand-off to the store's
 * executor saves a thread wake-up on the way back to the caller.
 */
public enum Answering {
    /** On the store's executor: the answer's dependents may include user callbacks. */
    ON_EXECUTOR,
    /**
     * On whichever thread learns the answer, the state machine's own included: every dependent is
     * the store's own code that neither blocks nor throws (the forward processor's reply, or the
     * wake-up of a caller blocked in a synchronous call).
     */
    WHERE_LEARNED
}
