package io.escrowstore.raft.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.Member;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.engine.StartupCheck;
import io.escrowstore.raft.internal.engine.StoreProperties;
import io.escrowstore.raft.internal.replication.SnapshotFile;

/** Backup (copy a snapshot directory) and restore into a new group on other addresses and disks. */
class SnapshotRestoreTest {
    @TempDir
    Path dir;

    private RaftPaymentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void newGroupRestoredFromACopiedSnapshotServesTheSameStateAndMovesOn() throws IOException {
        store = open(RaftPaymentStoreTest.config(dir.resolve("old"), ClusterAdminSingleNodeTest.freePort()));
        for (long id = 1; id <= 20; id++) {
            store.syncFromChain(RaftPaymentStoreTest.chain(id));
        }
        assertThat(store.claim(RaftPaymentStoreTest.claim(3, 10))).isInstanceOf(Accepted.class);
        store.snapshot().join();
        StateDigest before = store.stateDigest();
        Path backup = copy(StartupCheck.latestSnapshot(store.config().dataDir()).orElseThrow(), dir.resolve("backup"));
        long lastTerm = store.status().term();
        store.close();
        store = null;

        int port = ClusterAdminSingleNodeTest.freePort();
        Path properties = launcherProperties(port, dir.resolve("new"));
        RaftStoreConfig restored = StoreProperties.config(StoreProperties.read(properties, Set.of()));
        assertThat(SnapshotRestore.restore(backup, restored)).isEqualTo(before.appliedIndex());

        store = open(restored);
        assertThat(store.stateDigest().sameStateAs(before)).isTrue();
        assertThat(store.status().term()).as("the new group's terms continue past the snapshot's")
                .isGreaterThan(lastTerm);
        assertThat(store.status().members()).containsExactly(new Member("127.0.0.1", port));
        assertThat(store.claim(RaftPaymentStoreTest.claim(3, 20))).isInstanceOf(Accepted.class);
        assertThat(store.channel(ChannelId.of(3)).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
    }

    @Test
    void restoreRefusesADataDirectoryInUseAndADamagedBackup() throws IOException {
        store = open(RaftPaymentStoreTest.config(dir.resolve("old"), ClusterAdminSingleNodeTest.freePort()));
        store.syncFromChain(RaftPaymentStoreTest.chain(1));
        store.snapshot().join();
        Path backup = copy(StartupCheck.latestSnapshot(store.config().dataDir()).orElseThrow(), dir.resolve("backup"));

        assertThatThrownBy(() -> SnapshotRestore.restore(backup, store.config()))
                .hasMessageContaining("is not empty");
        Files.write(backup.resolve(SnapshotFile.NAME), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        RaftStoreConfig fresh = StoreProperties.config(StoreProperties.read(
                launcherProperties(ClusterAdminSingleNodeTest.freePort(), dir.resolve("new")), Set.of()));
        assertThatThrownBy(() -> SnapshotRestore.restore(backup, fresh))
                .hasMessageContaining(backup.resolve(SnapshotFile.NAME).toString());
    }

    private Path launcherProperties(int port, Path dataDir) throws IOException {
        return Files.write(dir.resolve("n-" + port + ".properties"), List.of("self=127.0.0.1:" + port,
                "members=127.0.0.1:" + port, "data-dir=" + dataDir, "group-id=" + RaftPaymentStoreTest.GROUP,
                "raft-group=restored-" + port, "election-timeout=200ms", "max-election-delay=100ms",
                "unsafe-plaintext=true"));
    }

    private static RaftPaymentStore open(RaftStoreConfig config) {
        RaftPaymentStore opened = RaftPaymentStore.open(config);
        await().atMost(Duration.ofSeconds(20)).until(() -> opened.status().isLeader());
        return opened;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
