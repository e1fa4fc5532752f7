package io.escrowstore.raft;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A fingerprint of a node's whole channel table at one applied log index. Two nodes that applied
 * the same log prefix have equal digests (docs/rules.md, invariant 5).
 *
 * @param appliedIndex the last log index applied when the digest was taken
 * @param channels number of channels
 * @param sha256 SHA-256 over every channel's canonical encoding in id order
 */
public record StateDigest(long appliedIndex, int channels, byte[] sha256) {

    /** Copies the hash in. */
    public StateDigest {
        sha256 = sha256.clone();
    }

    /** A copy of the hash. */
    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** True if both digests describe identical channel tables. */
    public boolean sameStateAs(StateDigest other) {
        return channels == other.channels && Arrays.equals(sha256, other.sha256);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateDigest that && appliedIndex == that.appliedIndex && sameStateAs(that);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(appliedIndex) * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "StateDigest{index=" + appliedIndex + ", channels=" + channels + ", sha256="
                + HexFormat.of().formatHex(sha256, 0, 8) + "…}";
    }
}
