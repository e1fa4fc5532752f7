package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.raft.RaftPaymentStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher's client commands against a running node, over the same admin RPC the members use. */
class AdminCommandsTest {
    @TempDir
    Path dataDir;

    private RaftPaymentStore store;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void statusOnTheLeaderShowsItsViewAndTheLagOfEveryMember() {
        start();
        String self = store.config().self().toString();

        int exit = run("status", "--node", self, "--raft-group", store.config().raftGroup(), "--unsafe-plaintext");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("state      STATE_LEADER", "leader     " + self, "members    " + self)
                .containsPattern("term       [1-9]")
                .containsPattern(self.replace(".", "\\.") + " +leader +yes +\\d+ +0");
    }

    @Test
    void statusTakesTheNodeAndGroupFromALauncherConfigFile() throws IOException {
        start();
        Path file = Files.write(dataDir.resolve("n1.properties"), List.of("self=" + store.config().self(),
                "raft-group=" + store.config().raftGroup(), "data-dir=/ignored", "unsafe-plaintext=true"));

        assertThat(run("status", "--config", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("STATE_LEADER");
    }

    @Test
    void addingANodeThatNeverAnswersFailsWithExitCode1AndRemovingItSucceeds() {
        start();
        String self = store.config().self().toString();
        String ghost = "127.0.0.1:" + SingleNode.freePort();
        String group = store.config().raftGroup();

        assertThat(run("add-member", "--node", self, "--raft-group", group, "--timeout", "1s", "--unsafe-plaintext", ghost)).isEqualTo(1);
        assertThat(err.toString()).startsWith("NOT_CAUGHT_UP").contains(ghost);
        assertThat(run("remove-member", "--node", self, "--raft-group", group, "--unsafe-plaintext", ghost)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("members " + self);
    }

    @Test
    void statusOfAPortNobodyServesExitsWith3() {
        int exit = run("status", "--node", "127.0.0.1:" + SingleNode.freePort(), "--timeout", "1s",
                "--unsafe-plaintext");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).startsWith("No answer from 127.0.0.1:");
    }

    @Test
    void wrongGroupIsRefusedByTheNode() {
        start();

        assertThat(run("status", "--node", store.config().self().toString(), "--raft-group", "other",
                "--unsafe-plaintext")).isEqualTo(1);
        assertThat(err.toString()).startsWith("INVALID").contains("this node serves '" + store.config().raftGroup());
    }

    @Test
    void restoreSnapshotSeedsANewNodeFromACopiedSnapshot() throws IOException {
        start();
        store.snapshot().join();
        Path backup;
        try (Stream<Path> snapshots = Files.list(store.config().dataDir().resolve("snapshot"))) {
            backup = snapshots.filter(p -> p.getFileName().toString().startsWith("snapshot_")).findFirst().orElseThrow();
        }
        Path fresh = SingleNode.properties(dataDir, SingleNode.freePort(), dataDir.resolve("fresh"));

        assertThat(run("restore-snapshot", "--from", backup.toString(), "--config", fresh.toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("restored the snapshot at index");
        assertThat(run("restore-snapshot", "--from", backup.toString(), "--config", fresh.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("Cannot restore").contains("is not empty");
    }

    @Test
    void restoreSnapshotRefusesAnInvalidConfigFileWithExitCode2() throws IOException {
        Path file = Files.write(dataDir.resolve("bad.properties"), List.of("electon-timeout=1s"));

        assertThat(run("restore-snapshot", "--from", dataDir.toString(), "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown key 'electon-timeout'");
    }

    private int run(String... args) {
        CommandLine cmd = AdminCommands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        cmd.getOut().flush();
        cmd.getErr().flush();
        return exit;
    }

    private void start() {
        try {
            store = SingleNode.open(SingleNode.properties(dataDir, SingleNode.freePort(), dataDir.resolve("store")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
