package io.escrowstore;

import java.util.Arrays;

/**
 * The one implementation behind the fixed-length byte values ({@link Address}, {@link GroupId},
 * {@link Signature}): the length is checked and the array copied on the way in and on the way out;
 * two values are equal when they are of the same type and hold the same bytes; the string form is
 * {@code 0x}-prefixed lower-case hex.
 */
abstract class FixedBytes {
    private final byte[] bytes;

    /** @throws IllegalArgumentException naming {@code field} if {@code bytes} is null or not {@code length} long */
    FixedBytes(byte[] bytes, int length, String field) {
        this.bytes = Checks.fixedBytes(bytes, length, field);
    }

    /** A copy of the bytes. */
    public final byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes as {@code 0x}-prefixed lower-case hex. */
    public final String toHex() {
        return Checks.hex(bytes);
    }

    @Override
    public final boolean equals(Object other) {
        return other != null && other.getClass() == getClass() && Arrays.equals(bytes, ((FixedBytes) other).bytes);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public final String toString() {
        return toHex();
    }
}
