package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a launcher process prints, run as its own JVM (bolt's logging starts once per JVM). */
class LauncherOutputTest {
    @TempDir
    Path dir;

    @Test
    void nodeLogsNeitherTheSofaBannerNorJraftInfoLines() throws IOException, InterruptedException {
        String self = "127.0.0.1:" + freePort();
        Path log = dir.resolve("node.log");
        Process process = new ProcessBuilder(List.of(java(), "-cp", System.getProperty("java.class.path"),
                NodeLauncher.class.getName(), "--self", self, "--members", self, "--data-dir",
                dir.resolve("data").toString(), "--group-id", "ab".repeat(32), "--unsafe-plaintext",
                "--election-timeout", "200ms", "--max-election-delay", "100ms", "--status-interval", "0"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("leading term"));
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);

        assertThat(output).doesNotContain("Sofa-Middleware-Log").doesNotContain(" INFO com.alipay.sofa.jraft");
    }

    @Test
    void clientCommandPrintsNoSofaLoggingBanner() throws IOException, InterruptedException {
        int closedPort = freePort();
        Process process = new ProcessBuilder(List.of(java(), "-cp", System.getProperty("java.class.path"),
                NodeLauncher.class.getName(), "status", "--node", "127.0.0.1:" + closedPort, "--timeout", "1s",
                "--unsafe-plaintext"))
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }

        assertThat(process.exitValue()).as(output).isEqualTo(3);
        assertThat(output).doesNotContain("Sofa-Middleware-Log");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
