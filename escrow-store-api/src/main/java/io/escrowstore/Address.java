package io.escrowstore;

/**
 * A 20-byte value: an Ethereum account address (sender, signer or recipient of a channel).
 * Immutable: the array is copied on the way in and on the way out ({@link #bytes()}); equal when
 * the bytes are; {@link #toString()} is {@link #toHex()}.
 */
public final class Address extends FixedBytes {
    /** Length in bytes of every {@code Address}. */
    public static final int LENGTH = 20;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 20 bytes long */
    public Address(byte[] bytes) {
        super(bytes, LENGTH, "address");
    }

    /** Parses 20 bytes of hex, with or without a {@code 0x} prefix. */
    public static Address fromHex(String hex) {
        return new Address(Checks.parseHex(hex, "address"));
    }
}
