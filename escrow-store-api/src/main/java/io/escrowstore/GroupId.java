package io.escrowstore;

/**
 * A 32-byte value: the id of the replica group a channel pays (the MultiPartyEscrow {@code groupId}). Immutable: the array is copied on the way in and on the way out.
 */
public record GroupId(byte[] bytes) {
    /** Length in bytes of every {@code GroupId}. */
    public static final int LENGTH = 32;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 32 bytes long */
    public GroupId {
        bytes = Checks.fixedBytes(bytes, LENGTH, "groupId");
    }

    /** Parses 32 bytes of hex, with or without a {@code 0x} prefix. */
    public static GroupId fromHex(String hex) {
        return new GroupId(Checks.parseHex(hex, "groupId"));
    }

    /** A copy of the 32 bytes. */
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
        return other instanceof GroupId that && Checks.sameBytes(bytes, that.bytes);
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
