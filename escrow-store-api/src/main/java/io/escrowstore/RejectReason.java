package io.escrowstore;

/** Why a request was refused. Each is a decided business outcome, not a failure of the store. */
public enum RejectReason {
    /** The store has no state for the channel: sync it from chain first. */
    UNKNOWN_CHANNEL,
    /** The payment is for another nonce than the channel's current one. */
    NONCE_MISMATCH,
    /** The amount is not above the authorized amount: a replay, or a payment another replica already accepted. */
    ALREADY_CLAIMED,
    /** The amount does not raise the authorized amount by exactly the price. */
    INCREMENT_MISMATCH,
    /**
     * The amount exceeds the channel's escrowed value; for a chain sync of the current nonce, the
     * chain's value is below what is already authorized.
     */
    INSUFFICIENT_FUNDS,
    /** The chain view names another replica group than the one this store serves. */
    WRONG_GROUP
}
