package io.escrowstore;

/**
 * The business outcome of {@link PaymentStore#claim}: a value, never an exception. Either
 * {@link Accepted} (the payment is now the channel's authorized amount, decided by a majority and
 * durable) or {@link Rejected} (nothing changed; the reason and the current state say why).
 */
public sealed interface ClaimResult permits Accepted, Rejected {

    /** True for {@link Accepted}. */
    default boolean isAccepted() {
        return this instanceof Accepted;
    }
}
