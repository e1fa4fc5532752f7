package io.escrowstore;

/**
 * A 20-byte value: an Ethereum account address (sender, signer or recipient of a channel). Immutable: the array is copied on the way in and on the way out.
 */
public record Address(byte[] bytes) {
    /** Length in bytes of every {@code Address}. */
    public static final int LENGTH = 20;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 20 bytes long */
    public Address {
        bytes = Checks.fixedBytes(bytes, LENGTH, "address");
    }

    /** Parses 20 bytes of hex, with or without a {@code 0x} prefix. */
    public static Address fromHex(String hex) {
        return new Address(Checks.parseHex(hex, "address"));
    }

    /** A copy of the 20 bytes. */
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
        return other instanceof Address that && Checks.sameBytes(bytes, that.bytes);
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
