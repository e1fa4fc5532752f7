package io.escrowstore.launcher;

import static org.awaitility.Awaitility.await;

import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A one-member group on a free loopback port, described by a launcher properties file. */
final class SingleNode {
    static final String GROUP_HEX = "0x" + "ab".repeat(32);

    private SingleNode() {
    }

    /** A free loopback port, from the OS. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code dir/n-<port>.properties} for a one-member group on {@code port}, data in {@code dataDir}. */
    static Path properties(Path dir, int port, Path dataDir) throws IOException {
        return Files.write(dir.resolve("n-" + port + ".properties"), List.of("self=127.0.0.1:" + port,
                "members=127.0.0.1:" + port, "data-dir=" + dataDir, "group-id=" + GROUP_HEX,
                "raft-group=launcher-" + port, "election-timeout=200ms", "max-election-delay=100ms",
                "request-timeout=3s", "unsafe-plaintext=true", "status-interval=0"));
    }

    /** Opens the node the launcher file describes and waits until it leads. */
    static RaftPaymentStore open(Path properties) {
        RaftStoreConfig config = StoreProperties.config(NodeConfigFile.read(properties));
        RaftPaymentStore store = RaftPaymentStore.open(config);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
        return store;
    }
}
