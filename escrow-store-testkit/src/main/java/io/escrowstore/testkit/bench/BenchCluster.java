package io.escrowstore.testkit.bench;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import io.escrowstore.testkit.EscrowCluster;
import io.escrowstore.testkit.TestChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The store nodes of one benchmark run, all in this JVM. */
interface BenchCluster extends AutoCloseable {

    /**
     * Timing and durability-neutral settings of the nodes (durability is always on).
     *
     * @param engineFloor every node answers claims as accepted without applying them
     *     ({@link UnsafeSwitches#engineFloor()}): the engine alone, for measuring its floor
     */
    record NodeSettings(int nodes, Duration electionTimeout, Duration maxElectionDelay, Duration requestTimeout,
            Duration snapshotInterval, Path dataRoot, boolean engineFloor) {
        /** The unsafe switches every node carries: the engine floor or none. */
        UnsafeSwitches switches() {
            return engineFloor ? UnsafeSwitches.NONE.withEngineFloor() : UnsafeSwitches.NONE;
        }
    }

    int size();

    RaftPaymentStore node(int i);

    GroupId groupId();

    /** Index of the node that leads, or -1. */
    default int leader() {
        for (int i = 0; i < size(); i++) {
            if (node(i).status().isLeader()) {
                return i;
            }
        }
        return -1;
    }

    @Override
    void close();

    /** {@link EscrowCluster}: the testkit's cluster (its RPC goes through the testkit's link table). */
    static BenchCluster testkit(NodeSettings s) {
        EscrowCluster cluster = EscrowCluster.builder()
                .nodes(s.nodes())
                .electionTimeout(s.electionTimeout(), s.maxElectionDelay())
                .requestTimeout(s.requestTimeout())
                .snapshotInterval(s.snapshotInterval())
                .nodeSettings(node -> UnsafeSwitches.on(node, s.switches()))
                .awaitTimeout(Duration.ofSeconds(60))
                .start();
        return new BenchCluster() {
            @Override
            public int size() {
                return cluster.size();
            }

            @Override
            public RaftPaymentStore node(int i) {
                return cluster.node(i);
            }

            @Override
            public GroupId groupId() {
                return cluster.groupId();
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    /** Nodes opened with {@link RaftPaymentStore#open} as a replica would, nothing in between. */
    static BenchCluster direct(NodeSettings s) {
        return new Direct(s);
    }

    /** Free loopback ports chosen by the OS. */
    static int[] freePorts(int count) {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < count) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.add(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Configurations of a fresh group on free loopback ports, data under {@code dataRoot/node-i}. */
    static List<RaftStoreConfig> configs(NodeSettings s, GroupId groupId, String raftGroup) {
        List<Member> members = java.util.stream.IntStream.of(freePorts(s.nodes()))
                .mapToObj(p -> new Member("127.0.0.1", p)).toList();
        List<RaftStoreConfig> configs = new ArrayList<>();
        for (int i = 0; i < s.nodes(); i++) {
            configs.add(UnsafeSwitches.on(RaftStoreConfig.builder(), s.switches())
                    .unsafePlaintext()
                    .groupId(groupId)
                    .raftGroup(raftGroup)
                    .self(members.get(i))
                    .members(members)
                    .dataDir(s.dataRoot().resolve("node-" + i))
                    .electionTimeout(s.electionTimeout())
                    .maxElectionDelay(s.maxElectionDelay())
                    .requestTimeout(s.requestTimeout())
                    .snapshotInterval(s.snapshotInterval())
                    .build());
        }
        return configs;
    }

    final class Direct implements BenchCluster {
        private final GroupId groupId = TestChannels.randomGroupId();
        private final Path dataRoot;
        private final RaftPaymentStore[] nodes;

        Direct(NodeSettings s) {
            this.dataRoot = s.dataRoot();
            List<RaftStoreConfig> configs = configs(s, groupId, "escrow-bench-" + ProcessHandle.current().pid());
            nodes = new RaftPaymentStore[configs.size()];
            try {
                for (int i = 0; i < nodes.length; i++) {
                    nodes[i] = RaftPaymentStore.open(configs.get(i));
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public int size() {
            return nodes.length;
        }

        @Override
        public RaftPaymentStore node(int i) {
            return nodes[i];
        }

        @Override
        public GroupId groupId() {
            return groupId;
        }

        @Override
        public void close() {
            for (RaftPaymentStore node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
            deleteRecursively(dataRoot);
        }
    }
}
