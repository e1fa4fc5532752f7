package io.escrowstore;

import java.time.Instant;

/**
 * A payment is held on its channel until {@code expiresAt}: other claims and reservations of the
 * channel get {@link RejectReason#CHANNEL_BUSY} until it is committed, released or expires.
 *
 * @param reservationId the id to {@link PaymentStore#commit commit} or {@link PaymentStore#release release} it with
 * @param state the channel when the reservation was made; its authorized amount is unchanged
 * @param expiresAt end of the lease in log time (the leaders' clocks, made monotonic)
 */
public record Reserved(ReservationId reservationId, ChannelState state, Instant expiresAt) implements ReserveResult {
    /** @throws IllegalArgumentException if a field is null */
    public Reserved {
        Checks.notNull(reservationId, "reservationId");
        Checks.notNull(state, "state");
        Checks.notNull(expiresAt, "expiresAt");
    }
}
