package io.escrowstore.example.paid.replica;

/** Why a replica refused a paid call, in the payment domain's words; {@link StatusMapping} turns each into a gRPC status. */
public enum Refusal {
    /** A payment header is missing or malformed. */
    MALFORMED_PAYMENT,
    /** The chain has no such channel. */
    CHANNEL_NOT_FOUND,
    /** The channel pays another recipient or another replica group than this service's. */
    WRONG_RECIPIENT,
    /** The signature does not recover to the channel's signer or sender. */
    NOT_SIGNED_BY_CHANNEL_SIGNER,
    /** The channel expires within the threshold of the current block. */
    CHANNEL_NEAR_EXPIRY,
    /** The payment's nonce is not the channel's current one (a claim moved it). */
    INCORRECT_NONCE,
    /** The amount is not above what is already authorized: a replay, or a payment another replica served. */
    ALREADY_CLAIMED,
    /** The amount does not raise the authorized amount by exactly the price. */
    INCORRECT_AMOUNT,
    /** The amount exceeds the channel's value. */
    INSUFFICIENT_FUNDS,
    /** Another request holds the channel, or its settlement is pending. */
    CHANNEL_BUSY,
    /** The store could not decide (no quorum, overloaded, closed, or the outcome is unknown). */
    STORE_UNAVAILABLE
}
