package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.RaftStoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Option parsing of {@link NodeLauncher}; no test here starts a node. */
class NodeLauncherTest {
    private static final String GROUP_HEX = "0x" + "ab".repeat(32);
    private static final String MEMBERS = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";

    @TempDir
    Path dir;

    private List<String> allFlags() {
        return new ArrayList<>(List.of(
                "--self", "127.0.0.1:7001", "--members", MEMBERS, "--data-dir", dir.resolve("n1").toString(),
                "--group-id", GROUP_HEX, "--raft-group", "payments-1", "--election-timeout", "300ms",
                "--max-election-delay", "2s", "--heartbeat-interval", "50ms", "--request-timeout", "2m", "--snapshot-interval", "1h",
                "--max-in-flight", "500", "--status-interval", "0"));
    }

    private Path configFile(String... lines) throws IOException {
        return Files.write(dir.resolve("node.properties"), List.of(lines));
    }

    private Path fullConfigFile() throws IOException {
        return configFile("self=127.0.0.1:7001", "members=" + MEMBERS, "data-dir=" + dir.resolve("n1"),
                "group-id=" + GROUP_HEX, "raft-group=payments-1", "election-timeout=300ms",
                "max-election-delay=2s", "heartbeat-interval=50ms", "request-timeout=2m", "snapshot-interval=1h", "max-in-flight=500",
                "status-interval=0");
    }

    private static RaftStoreConfig parse(List<String> args) {
        return parsePlain(args.toArray(String[]::new));
    }

    @Test
    void flagsSetEveryField() {
        RaftStoreConfig config = parse(allFlags());

        assertThat(config.self()).isEqualTo(new Member("127.0.0.1", 7001));
        assertThat(config.members()).containsExactly(
                new Member("127.0.0.1", 7001), new Member("127.0.0.1", 7002), new Member("127.0.0.1", 7003));
        assertThat(config.dataDir()).isEqualTo(dir.resolve("n1"));
        assertThat(config.groupId()).isEqualTo(GroupId.fromHex(GROUP_HEX));
        assertThat(config.raftGroup()).isEqualTo("payments-1");
        assertThat(config.electionTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.maxElectionDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.snapshotInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxInFlight()).isEqualTo(500);
    }

    @Test
    void propertiesFileSetsTheSameFields() throws IOException {
        RaftStoreConfig fromFile = parsePlain("--config", fullConfigFile().toString());

        assertThat(fromFile.toString()).isEqualTo(parse(allFlags()).toString());
    }

    @Test
    void omittedOptionsKeepTheStoreDefaults() {
        RaftStoreConfig config = parsePlain("--self", "127.0.0.1:7001", "--members", "127.0.0.1:7001",
                "--data-dir", dir.toString(), "--group-id", GROUP_HEX);
        RaftStoreConfig defaults = RaftStoreConfig.builder().unsafePlaintext().self(new Member("127.0.0.1", 7001))
                .members(List.of(new Member("127.0.0.1", 7001))).dataDir(dir)
                .groupId(GroupId.fromHex(GROUP_HEX)).build();

        assertThat(config.toString()).isEqualTo(defaults.toString());
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        Path file = fullConfigFile();

        RaftStoreConfig config = parsePlain("--config", file.toString(), "--election-timeout", "PT0.5S",
                "--members", "127.0.0.1:7001,127.0.0.1:7009", "--raft-group", "other");

        assertThat(config.electionTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.members()).containsExactly(new Member("127.0.0.1", 7001), new Member("127.0.0.1", 7009));
        assertThat(config.raftGroup()).isEqualTo("other");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--self", "--members", "--data-dir", "--group-id"})
    void eachRequiredOptionIsNamedWhenMissing(String option) {
        List<String> args = allFlags();
        int at = args.indexOf(option);
        args.remove(at + 1);
        args.remove(at);

        assertThatThrownBy(() -> parse(args)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("Missing required option").hasMessageContaining("'" + option + "=");
    }

    @Test
    void requiredOptionMissingFromFileAndFlagsIsNamed() throws IOException {
        Path file = configFile("self=127.0.0.1:7001", "members=127.0.0.1:7001", "group-id=" + GROUP_HEX);

        assertThatThrownBy(() -> parsePlain("--config", file.toString()))
                .isInstanceOf(ParameterException.class).hasMessageContaining("'--data-dir=");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--election-timeout   | 5 parsecs",
        "--request-timeout    | -5s",
        "--status-interval    | soon",
        "--self               | localhost",
        "--self               | 127.0.0.1:70000",
        "--members            | 127.0.0.1:7001,127.0.0.1",
        "--group-id           | 0x1234",
        "--group-id           | not-hex",
        "--max-in-flight      | many",
        "--election-timeout   | 10ms",
        "--snapshot-interval  | 2h30m",
        "--max-in-flight      | 0",
        "--raft-group         | no spaces",
        "--members            | 127.0.0.1:7002,127.0.0.1:7003",
    })
    void badFlagValueNamesTheOption(String option, String value) {
        List<String> args = allFlags();
        args.set(args.indexOf(option) + 1, value);

        assertThatThrownBy(() -> parse(args)).isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid value for option '" + option + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "http", "-1"})
    void badHttpPortFromFlagOrFileNamesTheOption(String port) throws IOException {
        List<String> args = allFlags();
        args.addAll(List.of("--http-port", port));
        Path file = configFile("self=127.0.0.1:7001", "members=127.0.0.1:7001", "data-dir=" + dir,
                "group-id=" + GROUP_HEX, "unsafe-plaintext=true", "http-port=" + port);

        assertThatThrownBy(() -> parse(args)).isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid value for option '--http-port'");
        assertThatThrownBy(() -> parsePlain("--config", file.toString())).isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid value for option '--http-port'");
    }

    @Test
    void badFileValueNamesTheOption() throws IOException {
        Path file = configFile("self=127.0.0.1:7001", "members=127.0.0.1:7001", "data-dir=" + dir,
                "group-id=" + GROUP_HEX, "request-timeout=5 parsecs");

        assertThatThrownBy(() -> parsePlain("--config", file.toString()))
                .isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid value for option '--request-timeout'");
    }

    @Test
    void unknownFileKeyIsNamedEvenWhenFlagsSetEverything() throws IOException {
        Path file = configFile("electon-timeout=1s");
        List<String> args = allFlags();
        args.addAll(List.of("--config", file.toString()));

        assertThatThrownBy(() -> parse(args)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("Unknown key 'electon-timeout'");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("absent.properties");

        assertThatThrownBy(() -> parsePlain("--config", missing.toString()))
                .isInstanceOf(ParameterException.class).hasMessageContaining(missing.toString());
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "0, PT0S", "PT5S, PT5S", "pt1m30s, PT1M30S"})
    void durationsAcceptShortAndIsoForms(String text, String expected) {
        assertThat(new LauncherConverters.DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void operationsOptionsReachTheConfigFromFlagsAndFile() throws IOException {
        RaftStoreConfig fromFlags = parsePlain("--self", "127.0.0.1:7004", "--members", MEMBERS,
                "--data-dir", dir.toString(), "--group-id", GROUP_HEX, "--join", "--snapshot-log-entries", "5000",
                "--admin-timeout", "30s");
        Path file = configFile("self=127.0.0.1:7004", "members=" + MEMBERS, "data-dir=" + dir, "group-id=" + GROUP_HEX,
                "join=true", "snapshot-log-entries=5000", "admin-timeout=30s");

        assertThat(fromFlags.joining()).isTrue();
        assertThat(fromFlags.members()).doesNotContain(fromFlags.self());
        assertThat(fromFlags.snapshotLogEntries()).isEqualTo(5_000);
        assertThat(fromFlags.adminTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parsePlain("--config", file.toString()).toString()).isEqualTo(fromFlags.toString());
    }

    @Test
    void snapshotLogEntriesOutOfRangeNamesTheOption() {
        assertThatThrownBy(() -> parsePlain("--self", "127.0.0.1:7001", "--members", "127.0.0.1:7001",
                "--data-dir", dir.toString(), "--group-id", GROUP_HEX, "--snapshot-log-entries", "50"))
                .isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid value for option '--snapshot-log-entries'");
    }

    @Test
    void invalidOptionsExitWithUsageAndCode2() {
        StringWriter err = new StringWriter();
        List<String> args = allFlags();
        args.set(args.indexOf("--election-timeout") + 1, "10ms"); // rejected before any node starts
        CommandLine cmd = new NodeLauncher().commandLine().setErr(new PrintWriter(err));

        int exitCode = cmd.execute(args.toArray(String[]::new));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid value for option '--election-timeout'")
                .contains("Usage: escrow-store-node");
    }

    @Test
    void helpPrintsUsageAndExits0() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new NodeLauncher().commandLine().setOut(new PrintWriter(out));

        assertThat(cmd.execute("--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE", "--status-interval=DURATION", "Default: 10s");
    }

    /** Parses {@code args} with {@code --unsafe-plaintext} added: these tests are about the other options. */
    @Test
    void flagsWithoutTransportChoiceNameTheLauncherFlagsToAdd() {
        List<String> args = allFlags();

        assertThatThrownBy(() -> NodeLauncher.parse(args.toArray(String[]::new)))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--unsafe-plaintext").hasMessageContaining("--tls-key-store")
                .hasMessageNotContaining("unsafePlaintext()");
    }

    private static RaftStoreConfig parsePlain(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--unsafe-plaintext";
        return NodeLauncher.parse(all);
    }
}
