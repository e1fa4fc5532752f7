package io.escrowstore.testkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Appends one run to {@code <name>.csv} (a header first when the file is new; a file whose header
 * differs, written by another version of the harness, is left alone and {@code <name>-<n>.csv} is
 * used instead) and one JSON object per line to {@code <name>.jsonl}. A null value (not measured)
 * is an empty CSV field and a JSON {@code null}.
 */
final class ResultWriter {
    private ResultWriter() {
    }

    /** Writes the row; returns the CSV file written. */
    static Path append(Path dir, String name, Map<String, Object> row) throws IOException {
        Files.createDirectories(dir);
        String header = String.join(",", row.keySet());
        List<String> values = new ArrayList<>();
        row.values().forEach(v -> values.add(csv(v)));
        Path csv = csvFile(dir, name, header);
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(csv)) {
            sb.append(header).append('\n');
        }
        sb.append(String.join(",", values)).append('\n');
        Files.writeString(csv, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(name + ".jsonl"), json(row) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return csv;
    }

    private static Path csvFile(Path dir, String name, String header) throws IOException {
        for (int n = 0; ; n++) {
            Path p = dir.resolve(n == 0 ? name + ".csv" : name + "-" + n + ".csv");
            if (!Files.exists(p)) {
                return p;
            }
            try (var lines = Files.lines(p, StandardCharsets.UTF_8)) {
                if (lines.findFirst().orElse("").equals(header)) {
                    return p;
                }
            }
        }
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return "NaN";
            }
            return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
        }
        return String.valueOf(v);
    }

    private static String csv(Object v) {
        String s = format(v);
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
        }
        return s;
    }

    static String json(Map<String, Object> row) {
        StringBuilder sb = new StringBuilder("{");
        row.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(k)).append(':');
            if (v instanceof Number && !(v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
                sb.append(format(v));
            } else if (v == null || v instanceof Double) {
                sb.append("null");
            } else if (v instanceof Boolean b) {
                sb.append(b);
            } else {
                sb.append(quote(String.valueOf(v)));
            }
        });
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
