package io.escrowstore.raft.internal.ledger;

import io.escrowstore.ChannelId;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Signature;
import java.math.BigInteger;

/**
 * A payment held on a channel until {@code expiresAtMillis} (log time).
 *
 * @param id the log index of the entry that made it
 * @param channelId the channel held
 * @param owner the request that made it
 * @param nonce the nonce the payment is for
 * @param amount the cumulative amount the commit will authorize
 * @param signature the client's signature over the amount
 * @param price the price the amount was checked against
 * @param expiresAtMillis end of the lease in log time
 * @param leaseMillis the lease granted; an expired reservation is remembered for one more lease
 */
public record Reservation(ReservationId id, ChannelId channelId, RequestId owner, BigInteger nonce, BigInteger amount,
        Signature signature, BigInteger price, long expiresAtMillis, long leaseMillis) {

    boolean liveAt(long logTimeMillis) {
        return logTimeMillis < expiresAtMillis;
    }

    long forgetAtMillis() {
        return expiresAtMillis + leaseMillis;
    }
}
