package io.escrowstore;

/**
 * The outcome of {@link PaymentStore#reserve}: {@link Reserved} (the payment is held, not yet
 * charged) or {@link Rejected} (nothing held; the reason says why).
 */
public sealed interface ReserveResult permits Reserved, Rejected {
}
