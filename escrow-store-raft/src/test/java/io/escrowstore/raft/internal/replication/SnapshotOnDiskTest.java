package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.error.LogNotFoundException;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.StoreUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StartupCheck;

/** Snapshots as an operator meets them: taken by log growth, compacting the log, and refused when damaged. */
class SnapshotOnDiskTest {
    private static final long THRESHOLD = 200;

    @TempDir
    Path dataDir;

    private RaftPaymentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void logGrowthTriggersSnapshotsThatCompactTheLog() throws IOException {
        int port = ClusterAdminSingleNodeTest.freePort();
        store = open(RaftPaymentStoreTest.config(dataDir, port).toBuilder().snapshotLogEntries(THRESHOLD).build());
        for (int round = 1; round <= 3; round++) {
            syncChannels(round * 1_000L, round * 1_000L + 2 * THRESHOLD);
            long taken = round;
            await().atMost(Duration.ofSeconds(20)).until(() -> store.stats().snapshotsByLogGrowth() >= taken);
        }
        long lastSnapshot = store.stateMachine().lastSnapshotIndex();
        assertThat(lastSnapshot).isGreaterThan(THRESHOLD);
        long applied = store.status().lastAppliedIndex();
        assertThat(applied - lastSnapshot).as("entries applied since the last snapshot").isLessThanOrEqualTo(
                2 * THRESHOLD + 1);
        // jraft keeps the log back to the snapshot before the last one; everything older is gone
        assertThatThrownBy(() -> store.raftNode().readCommittedUserLog(2)).isInstanceOf(LogNotFoundException.class);
        assertThat(StartupCheck.latestSnapshot(dataDir.resolve("node"))).isPresent();
    }

    @Test
    void snapshotThatFailsItsChecksumRefusesTheStartNamingTheFile() throws IOException {
        int port = ClusterAdminSingleNodeTest.freePort();
        RaftStoreConfig config = RaftPaymentStoreTest.config(dataDir, port);
        store = open(config);
        syncChannels(1, 50);
        assertThat(store.claim(RaftPaymentStoreTest.claim(7, 10))).isInstanceOf(Accepted.class);
        store.snapshot().join();
        store.close();
        store = null;
        Path file = StartupCheck.latestSnapshot(config.dataDir()).orElseThrow().resolve(SnapshotFile.NAME);
        flipByteInTheMiddle(file);

        assertThatThrownBy(() -> store = RaftPaymentStore.open(config))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("failed its checksum")
                .hasMessageContaining("refuses to start");
        assertThat(NodeManager.getInstance().getNodesByGroupId(config.raftGroup())).isNullOrEmpty();
        try (ServerSocket portIsFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(portIsFree.isBound()).isTrue();
        }
    }

    @Test
    void snapshotCutShortRefusesTheStartNamingTheFile() throws IOException {
        RaftStoreConfig config = RaftPaymentStoreTest.config(dataDir, ClusterAdminSingleNodeTest.freePort());
        store = open(config);
        syncChannels(1, 20);
        store.snapshot().join();
        store.close();
        store = null;
        Path file = StartupCheck.latestSnapshot(config.dataDir()).orElseThrow().resolve(SnapshotFile.NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }

        assertThatThrownBy(() -> store = RaftPaymentStore.open(config))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(file.toString());
    }

    private RaftPaymentStore open(RaftStoreConfig config) {
        RaftPaymentStore opened = RaftPaymentStore.open(config);
        await().atMost(Duration.ofSeconds(20)).until(() -> opened.status().isLeader());
        return opened;
    }

    /** Syncs one channel after the other, so that each is a log entry of its own (concurrent calls share entries). */
    private void syncChannels(long from, long to) {
        LongStream.rangeClosed(from, to).forEach(id -> store.syncFromChain(RaftPaymentStoreTest.chain(id)));
        assertThat(store.channel(ChannelId.of(to))).isPresent();
    }

    private static void flipByteInTheMiddle(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long position = channel.size() / 2;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.flip();
            byte flipped = (byte) (one.get(0) ^ 0x5A);
            channel.write(ByteBuffer.wrap(new byte[] {flipped}), position);
        }
    }
}
