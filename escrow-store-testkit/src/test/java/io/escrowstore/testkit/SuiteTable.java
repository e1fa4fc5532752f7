package io.escrowstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The measured table of the fault suites: one markdown row per run, printed and appended to
 * {@code target/fault-suites.md} (or the file named by {@code -Descrow.suite.report}).
 */
final class SuiteTable {
    static final String HEADER = "| suite | nodes | seed | s | ops | accepted | rejected | indeterminate | not applied "
            + "| reads | faults | msgs lost | msgs delayed | verdict |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    private SuiteTable() {
    }

    /** One run's numbers. */
    record Row(String suite, int nodes, long seed, long millis, int operations, long accepted, long rejected,
            long indeterminate, long notApplied, long reads, long faults, long messagesLost, long messagesDelayed,
            Verification.Report report) {
        String markdown() {
            return String.format("| %s | %d | %d | %.1f | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |", suite, nodes,
                    seed, millis / 1000.0, operations, accepted, rejected, indeterminate, notApplied, reads, faults,
                    messagesLost, messagesDelayed, report.ok() ? "linearizable, invariants hold"
                            : report.linearizability().verdict() + (report.exact().ok() ? "" : ", invariants VIOLATED"));
        }
    }

    static synchronized void add(Row row) {
        System.out.println(row.markdown());
        Path file = Path.of(System.getProperty("escrow.suite.report", "target/fault-suites.md"));
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, HEADER + "\n");
            }
            Files.writeString(file, row.markdown() + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
