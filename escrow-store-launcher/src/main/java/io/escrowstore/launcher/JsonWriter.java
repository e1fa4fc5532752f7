package io.escrowstore.launcher;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the admin commands' answers as JSON (RFC 8259): maps as objects (keys in their order),
 * lists as arrays, strings escaped ({@code " \ }, control characters as {@code \\uXXXX} or their
 * short escapes; other characters, including non-ASCII, as themselves), {@link Long},
 * {@link Integer} and {@link Boolean} as they print, {@code null} as null. One line, no
 * trailing line break.
 */
final class JsonWriter {
    private JsonWriter() {
    }

    /** @throws IllegalArgumentException for a value of another type (or a map key that is not a string) */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        value(value, out);
        return out.toString();
    }

    private static void value(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text, out);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings: " + entry.getKey());
                }
                string(key, out);
                out.append(':');
                value(entry.getValue(), out);
                if (entries.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
