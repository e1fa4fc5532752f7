package io.escrowstore;

import java.math.BigInteger;
import java.util.HexFormat;

/** Validation and byte helpers shared by the value types. */
final class Checks {
    static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);
    private static final HexFormat HEX = HexFormat.of();

    private Checks() {
    }

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static BigInteger uint256(BigInteger value, String field) {
        notNull(value, field);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must be >= 0 but was " + value);
        }
        if (value.compareTo(UINT256_LIMIT) >= 0) {
            throw new IllegalArgumentException(field + " must be < 2^256 but was " + value);
        }
        return value;
    }

    static byte[] fixedBytes(byte[] value, int length, String field) {
        notNull(value, field);
        if (value.length != length) {
            throw new IllegalArgumentException(
                    field + " must be " + length + " bytes but was " + value.length);
        }
        return value.clone();
    }

    static byte[] parseHex(String hex, String field) {
        notNull(hex, field);
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        try {
            return HEX.parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid hex: " + hex, e);
        }
    }

    static String hex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }
}
