package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as operators run it: three node processes started with {@code java -jar} on the
 * packaged jar (its dependencies in {@code lib/}) and a config file each. Runs in the
 * integration-test phase, after the jar is built.
 */
class LauncherProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path JAR = Path.of(System.getProperty("launcher.jar", "target/launcher.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void threeNodeProcessesServeAfterTheLeaderIsKilledAndTheCliReportsItUnreachable() throws Exception {
        assertThat(JAR).as("the packaged launcher jar").isRegularFile();
        List<Integer> raftPorts = List.of(SingleNode.freePort(), SingleNode.freePort(), SingleNode.freePort());
        List<Integer> httpPorts = List.of(SingleNode.freePort(), SingleNode.freePort(), SingleNode.freePort());
        String members = raftPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            configs.add(Files.write(dir.resolve("n" + i + ".properties"), List.of(
                    "self=127.0.0.1:" + raftPorts.get(i), "members=" + members, "data-dir=" + dir.resolve("data-" + i),
                    "group-id=" + SingleNode.GROUP_HEX, "unsafe-plaintext=true", "election-timeout=500ms",
                    "request-timeout=3s", "status-interval=0", "http-port=" + httpPorts.get(i))));
            processes.add(new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--config", configs.get(i).toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("n" + i + ".log").toFile()).start());
        }

        for (int port : httpPorts) {
            await().atMost(WAIT).until(() -> readyStatus(port) == 200);
        }
        String leader = leaderSeenOn(httpPorts.get(0));
        int killed = raftPorts.indexOf(Integer.parseInt(leader.substring(leader.indexOf(':') + 1)));
        processes.get(killed).destroyForcibly().waitFor();

        List<Integer> survivors = IntStream.range(0, 3).filter(i -> i != killed).boxed().toList();
        for (int i : survivors) {
            await().atMost(WAIT).alias("node " + i + " serves linearizable reads without the old leader")
                    .until(() -> readyStatus(httpPorts.get(i)) == 200);
        }
        Pattern unreachable = Pattern.compile("(?m)^" + Pattern.quote(leader) + "\\s+follower\\s+no\\s");
        await().atMost(WAIT).alias("the new leader's status reports " + leader + " unreachable").until(() ->
                anyStatusMatches(survivors.stream().map(configs::get).toList(), unreachable));
    }

    /** Asks each node named in {@code configs} for its status with the launcher's CLI. */
    private boolean anyStatusMatches(List<Path> configs, Pattern expected) throws IOException, InterruptedException {
        for (Path config : configs) {
            if (expected.matcher(cli("status", "--config", config.toString())).find()) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status of {@code /health/ready}, or -1 while nothing listens. */
    private int readyStatus(int port) throws InterruptedException {
        try {
            return get(port, "/health/ready").statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    private String leaderSeenOn(int port) throws IOException, InterruptedException {
        String body = get(port, "/health/ready").body();
        var matcher = Pattern.compile("leader (127\\.0\\.0\\.1:\\d+)").matcher(body);
        assertThat(matcher.find()).as(body).isTrue();
        return matcher.group(1);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the launcher's CLI and returns what it printed. */
    private String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        process.waitFor();
        return new String(output, StandardCharsets.UTF_8);
    }
}
