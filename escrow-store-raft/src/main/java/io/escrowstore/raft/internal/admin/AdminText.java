package io.escrowstore.raft.internal.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text of an operator read ({@link AdminViews}): {@code key: value} lines; a list of rows
 * as a table with a header line (columns in the rows' order, each as wide as its widest cell,
 * {@code -} for an absent value, {@code (none)} for no rows); a nested row as indented lines.
 * Long hex fields (addresses, signatures) are left out of tables, kept in nested rows.
 */
final class AdminText {
    private static final List<String> WIDE = List.of("sender", "signer", "recipient", "groupId", "signature");

    private AdminText() {
    }

    static String of(Map<String, Object> view) {
        StringBuilder out = new StringBuilder();
        view.forEach((key, value) -> {
            if (value instanceof List<?> rows && (rows.isEmpty() || rows.get(0) instanceof Map)) {
                out.append(key).append(":\n");
                table(rows, out);
            } else if (value instanceof Map<?, ?> row) {
                out.append(key).append(":\n");
                row.forEach((k, v) -> out.append("  ").append(k).append(": ").append(cell(v)).append('\n'));
            } else {
                out.append(key).append(": ").append(cell(value)).append('\n');
            }
        });
        return out.toString().stripTrailing();
    }

    private static void table(List<?> rows, StringBuilder out) {
        if (rows.isEmpty()) {
            out.append("  (none)\n");
            return;
        }
        List<String> columns = new ArrayList<>();
        for (Object column : ((Map<?, ?>) rows.get(0)).keySet()) {
            if (!WIDE.contains(column)) {
                columns.add((String) column);
            }
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).length();
            for (Object row : rows) {
                widths[i] = Math.max(widths[i], cell(((Map<?, ?>) row).get(columns.get(i))).length());
            }
        }
        line(columns, widths, out);
        for (Object row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(cell(((Map<?, ?>) row).get(column)));
            }
            line(cells, widths, out);
        }
    }

    private static void line(List<String> cells, int[] widths, StringBuilder out) {
        StringBuilder line = new StringBuilder(" ");
        for (int i = 0; i < cells.size(); i++) {
            line.append(' ').append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length()));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "-" : String.join(", ", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
