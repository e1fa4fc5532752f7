package io.escrowstore.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the scale benchmark on a tiny group and checks that every phase ran (a restarted follower
 * and a wiped one both reach the leader's state) and that one row per size was written. No time
 * or size assertions: those depend on the machine.
 */
class ScaleBenchSmokeTest {

    @Test
    void measuresEveryPhaseAndWritesOneRowPerSize(@TempDir Path results, @TempDir Path data) throws Exception {
        int exit = ScaleBench.execute("--channels", "200,400", "--claims", "20", "--results-dir", results.toString(),
                "--data-dir", data.toString(), "--label", "smoke-test");

        assertThat(exit).isZero();
        List<String> csv = Files.readAllLines(results.resolve("scale.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(3);
        List<String> header = List.of(csv.get(0).split(","));
        assertThat(header).contains("channels", "heap_per_node_mb", "snapshot_follower_ms", "snapshot_leader_ms",
                "claim_p50_ms_follower", "restart_ms", "catch_up_ms", "caught_up_state_equal");
        for (int row = 1; row <= 2; row++) {
            List<String> values = List.of(csv.get(row).split(","));
            assertThat(values).hasSameSizeAs(header);
            assertThat(values.get(header.indexOf("channels"))).isEqualTo(row == 1 ? "200" : "400");
            assertThat(values.get(header.indexOf("caught_up_state_equal"))).isEqualTo("true");
            for (String numeric : List.of("preload_s", "snapshot_follower_ms", "restart_ms", "catch_up_ms")) {
                assertThat(Double.parseDouble(values.get(header.indexOf(numeric)))).isPositive();
            }
        }
        assertThat(Files.readAllLines(results.resolve("scale.jsonl"), StandardCharsets.UTF_8)).hasSize(2);
    }
}
