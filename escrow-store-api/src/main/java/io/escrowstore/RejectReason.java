package io.escrowstore;

/** Why a request was refused. Each is a decided business outcome, not a failure of the store. */
public enum RejectReason {
    /** The store has no state for the channel: sync it from chain first. */
    UNKNOWN_CHANNEL,
    /** Another request holds a live reservation on the channel; retry after its lease. */
    CHANNEL_BUSY,
    /** The payment is for another nonce than the channel's current one (for a settlement: the nonce is 2^256-1 and cannot be bumped). */
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
    WRONG_GROUP,
    /** The reservation's lease ran out (in log time) before it was committed; nothing was charged. */
    RESERVATION_EXPIRED,
    /** No such reservation: never made, already committed or released, or dropped by a chain nonce bump. */
    UNKNOWN_RESERVATION,
    /** A settlement needs an authorized amount above 0. */
    NOTHING_TO_SETTLE,
    /** The channel already has a settlement waiting to be claimed on chain. */
    SETTLEMENT_PENDING
}
