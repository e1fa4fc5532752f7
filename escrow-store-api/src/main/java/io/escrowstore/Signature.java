package io.escrowstore;

/**
 * A 65-byte value: a client's ECDSA signature over a payment, {@code r || s || v}. Immutable: the array is copied on the way in and on the way out.
 */
public record Signature(byte[] bytes) {
    /** Length in bytes of every {@code Signature}. */
    public static final int LENGTH = 65;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 65 bytes long */
    public Signature {
        bytes = Checks.fixedBytes(bytes, LENGTH, "signature");
    }

    /** Parses 65 bytes of hex, with or without a {@code 0x} prefix. */
    public static Signature fromHex(String hex) {
        return new Signature(Checks.parseHex(hex, "signature"));
    }

    /** A copy of the 65 bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes as {@code 0x}-prefixed lower-case hex. */
    public String toHex() {
        return Checks.hex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Signature that && Checks.sameBytes(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Checks.hashBytes(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
