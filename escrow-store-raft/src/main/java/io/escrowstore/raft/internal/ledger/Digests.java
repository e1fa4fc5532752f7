package io.escrowstore.raft.internal.ledger;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers with length-prefixed framing, so concatenations cannot collide. */
public final class Digests {
    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    public static byte[] sha256(ByteString bytes) {
        MessageDigest sha = sha256();
        sha.update(bytes.asReadOnlyByteBuffer());
        return sha.digest();
    }

    static void putLong(MessageDigest sha, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            sha.update((byte) (value >>> shift));
        }
    }

    static void putBytes(MessageDigest sha, byte[] bytes) {
        putLong(sha, bytes.length);
        sha.update(bytes);
    }
}
