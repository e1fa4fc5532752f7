package io.escrowstore;

/**
 * Names one reservation. Assigned by the store: the Raft log index of the entry that made it, so
 * every replica assigns the same id.
 *
 * @param value a positive log index
 */
public record ReservationId(long value) {
    /** @throws IllegalArgumentException if {@code value} is not positive */
    public ReservationId {
        if (value <= 0) {
            throw new IllegalArgumentException("reservationId must be > 0 but was " + value);
        }
    }

    /** The request id of committing this reservation: retries of a commit share it. */
    public RequestId commitRequestId() {
        return new RequestId("commit/" + value);
    }

    /** The request id of releasing this reservation: retries of a release share it. */
    public RequestId releaseRequestId() {
        return new RequestId("release/" + value);
    }

    @Override
    public String toString() {
        return "reservation " + value;
    }
}
