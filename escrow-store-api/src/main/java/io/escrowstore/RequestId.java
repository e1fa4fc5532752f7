package io.escrowstore;

import java.util.UUID;

/**
 * The caller's name for one mutating request, e.g. {@code replica-7/000042} or a UUID. The store
 * answers a request id at most once: a resubmission is meant to get the first answer back.
 *
 * @param value 1 to 128 printable ASCII characters
 */
public record RequestId(String value) {
    /** Longest accepted request id, in characters. */
    public static final int MAX_LENGTH = 128;

    /** @throws IllegalArgumentException if {@code value} is null, empty, too long or not printable ASCII */
    public RequestId {
        Checks.notNull(value, "requestId");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "requestId must be 1.." + MAX_LENGTH + " characters but was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(
                        "requestId must be printable ASCII without spaces, found code " + (int) c + " at " + i);
            }
        }
    }

    /** A new random request id (a UUID). */
    public static RequestId random() {
        return new RequestId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
