package io.escrowstore.launcher;

import static org.awaitility.Awaitility.await;

import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A three-member group on free loopback ports, in this JVM, plaintext; closes every node. */
final class ThreeNodes implements AutoCloseable {
    final List<RaftPaymentStore> stores = new ArrayList<>();
    final String raftGroup;

    ThreeNodes(Path dir) {
        List<Integer> ports = List.of(SingleNode.freePort(), SingleNode.freePort(), SingleNode.freePort());
        String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        raftGroup = "operator-" + ports.get(0);
        try {
            for (int port : ports) {
                Path file = Files.write(dir.resolve("n-" + port + ".properties"), List.of("self=127.0.0.1:" + port,
                        "members=" + members, "data-dir=" + dir.resolve("data-" + port),
                        "group-id=" + SingleNode.GROUP_HEX, "raft-group=" + raftGroup, "election-timeout=500ms",
                        "request-timeout=5s", "unsafe-plaintext=true", "status-interval=0"));
                RaftStoreConfig config = StoreProperties.config(NodeConfigFile.read(file));
                stores.add(RaftPaymentStore.open(config));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stores.stream().anyMatch(s -> s.status().isLeader()));
    }

    RaftPaymentStore leader() {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> stores.stream().filter(s -> s.status().isLeader()).findFirst().orElse(null), s -> s != null);
    }

    RaftPaymentStore follower() {
        RaftPaymentStore leader = leader();
        return stores.stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (RaftPaymentStore store : stores) {
            try {
                store.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
