package io.escrowstore;

/**
 * A 65-byte value: a client's ECDSA signature over a payment, {@code r || s || v}. Immutable: the
 * array is copied on the way in and on the way out ({@link #bytes()}); equal when the bytes are;
 * {@link #toString()} is {@link #toHex()}.
 */
public final class Signature extends FixedBytes {
    /** Length in bytes of every {@code Signature}. */
    public static final int LENGTH = 65;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 65 bytes long */
    public Signature(byte[] bytes) {
        super(bytes, LENGTH, "signature");
    }

    /** Parses 65 bytes of hex, with or without a {@code 0x} prefix. */
    public static Signature fromHex(String hex) {
        return new Signature(Checks.parseHex(hex, "signature"));
    }
}
