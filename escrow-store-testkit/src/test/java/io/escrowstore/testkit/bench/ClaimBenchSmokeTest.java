package io.escrowstore.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the claim benchmark for a few seconds (nodes in this JVM, and once in worker processes) and
 * checks only that it wrote one well-formed result row (CSV and JSON); and, with
 * {@code --engine-floor}, that every kind of cluster acknowledges claims it never stores. No
 * throughput or latency assertions: those depend on the machine.
 */
class ClaimBenchSmokeTest {

    @Test
    void writesOneWellFormedRow(@TempDir Path results, @TempDir Path data) throws Exception {
        ClaimBench.execute("--nodes", "3", "--clients", "4", "--channels", "64", "--warmup", "500ms",
                "--duration", "2s", "--election-timeout", "300ms", "--max-election-delay", "300ms",
                "--results-dir", results.toString(), "--data-dir", data.toString(), "--label", "smoke-test");

        List<String> csv = Files.readAllLines(results.resolve("bench.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(2);
        List<String> header = fields(csv.get(0));
        List<String> row = fields(csv.get(1));
        assertThat(row).hasSameSizeAs(header);
        assertThat(header).contains("accepted_per_s", "rejected_per_s", "acc_p50_ms", "acc_p90_ms", "acc_p99_ms",
                "acc_p999_ms", "acc_max_ms", "process_cpu_cores", "gc_ms", "audit");
        assertThat(row.get(header.indexOf("label"))).isEqualTo("smoke-test");
        assertThat(row.get(header.indexOf("nodes"))).isEqualTo("3");
        assertThat(row.get(header.indexOf("clients"))).isEqualTo("4");
        for (String numeric : List.of("accepted_per_s", "rejected_per_s", "process_cpu_cores", "gc_ms", "acked_total")) {
            Double.parseDouble(row.get(header.indexOf(numeric)));
        }
        assertThat(row.get(header.indexOf("audit"))).isIn("ok", "FAILED");
        assertColdAndSwitchColumns(header, row);
        assertThat(row.get(header.indexOf("engine_floor"))).isEqualTo("false");

        List<String> json = Files.readAllLines(results.resolve("bench.jsonl"), StandardCharsets.UTF_8);
        assertThat(json).hasSize(1);
        assertThat(json.get(0)).startsWith("{\"time\":").endsWith("}").contains("\"accepted_per_s\":",
                "\"label\":\"smoke-test\"", "\"cold_accepted_per_s\":", "\"ctx_switches_per_accepted\":");
    }

    @Test
    void workerProcessesReportColdWindowAndSwitchesToTheRow(@TempDir Path results, @TempDir Path data)
            throws Exception {
        ClaimBench.execute("--cluster", "processes", "--nodes", "3", "--clients", "3", "--channels", "64",
                "--warmup", "500ms", "--duration", "1s", "--election-timeout", "300ms", "--max-election-delay",
                "300ms", "--results-dir", results.toString(), "--data-dir", data.toString());

        List<String> csv = Files.readAllLines(results.resolve("bench.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(2);
        List<String> header = fields(csv.get(0));
        List<String> row = fields(csv.get(1));
        assertThat(row).hasSameSizeAs(header);
        assertColdAndSwitchColumns(header, row);
    }

    /** The cold window's columns are numbers; the switch columns too, or empty without /proc. */
    private static void assertColdAndSwitchColumns(List<String> header, List<String> row) {
        assertThat(Double.parseDouble(row.get(header.indexOf("cold_window_s")))).isEqualTo(0.5);
        for (String cold : List.of("cold_accepted_per_s", "cold_acc_p50_ms", "cold_acc_p99_ms")) {
            Double.parseDouble(row.get(header.indexOf(cold)));
        }
        List<String> switchColumns = List.of("ctx_switches_per_accepted", "voluntary_ctx_switches_per_accepted", "threads");
        assertThat(header).containsAll(switchColumns);
        for (String column : switchColumns) {
            String value = row.get(header.indexOf(column));
            if (Files.isDirectory(Path.of("/proc/self/task"))) {
                Double.parseDouble(value);
            } else {
                assertThat(value).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ClaimBench.ClusterKind.class)
    void engineFloorAcknowledgesClaimsThatNoNodeStores(ClaimBench.ClusterKind cluster, @TempDir Path results,
            @TempDir Path data) throws Exception {
        int exit = ClaimBench.execute("--cluster", cluster.name(), "--engine-floor", "--nodes", "3", "--clients", "4",
                "--channels", "64", "--warmup", "300ms", "--duration", "1s", "--election-timeout", "300ms",
                "--max-election-delay", "300ms", "--results-dir", results.toString(), "--data-dir", data.toString());

        List<String> csv = Files.readAllLines(results.resolve("bench.csv"), StandardCharsets.UTF_8);
        List<String> header = fields(csv.get(0));
        List<String> row = fields(csv.get(1));
        assertThat(exit).isZero();
        assertThat(row.get(header.indexOf("engine_floor"))).isEqualTo("true");
        assertThat(Double.parseDouble(row.get(header.indexOf("replay_fraction")))).isZero();
        assertThat(row.get(header.indexOf("audit"))).isEqualTo("n/a");
        assertThat(Long.parseLong(row.get(header.indexOf("acked_total")))).isPositive();
        assertThat(row.get(header.indexOf("in_store_total"))).as("acknowledged, yet never applied").isEqualTo("0");
        assertThat(Files.readString(results.resolve("bench.jsonl"))).contains("\"engine_floor\":true");
    }

    /** Splits one CSV line, honouring double-quoted fields. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
