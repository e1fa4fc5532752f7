package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launcher cannot turn on a test-only unsafe switch: none is a config option, and no launcher
 * source names the internal package that sets them.
 */
class NoTestSwitchTest {
    @Test
    void noLauncherSourceNamesTheTestOnlySwitches() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                assertThat(Files.readString(source)).as(source.toString())
                        .doesNotContain("io.escrowstore.raft.internal.testing");
            }
        }
    }
}
