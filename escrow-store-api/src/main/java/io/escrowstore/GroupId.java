package io.escrowstore;

/**
 * A 32-byte value: the id of the replica group a channel pays (the MultiPartyEscrow {@code
 * groupId}). Immutable: the array is copied on the way in and on the way out ({@link #bytes()});
 * equal when the bytes are; {@link #toString()} is {@link #toHex()}.
 */
public final class GroupId extends FixedBytes {
    /** Length in bytes of every {@code GroupId}. */
    public static final int LENGTH = 32;

    /** @throws IllegalArgumentException if {@code bytes} is null or not exactly 32 bytes long */
    public GroupId(byte[] bytes) {
        super(bytes, LENGTH, "groupId");
    }

    /** Parses 32 bytes of hex, with or without a {@code 0x} prefix. */
    public static GroupId fromHex(String hex) {
        return new GroupId(Checks.parseHex(hex, "groupId"));
    }
}
