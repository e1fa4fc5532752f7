package io.escrowstore;

/** The outcome of {@link PaymentStore#release}: {@link Released} or {@link Rejected}. */
public sealed interface ReleaseResult permits Released, Rejected {
}
