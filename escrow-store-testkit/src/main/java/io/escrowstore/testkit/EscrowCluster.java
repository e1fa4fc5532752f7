package io.escrowstore.testkit;

import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.util.Endpoint;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.ReadConsistency;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.StateDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * N store nodes in this JVM on free loopback ports and temporary data directories, with lowered
 * election timeouts. Nodes are addressed by index {@code 0..size-1}; a stopped node keeps its data
 * directory and port, so {@link #restart} brings it back with its log and snapshots. The links
 * between the nodes can be cut, slowed and made lossy through {@link #network()}, and each node's
 * disk can be made to fail through {@link #disk(int)}.
 * {@link #close()} stops every node, waits for them, checks none is left registered in jraft's
 * JVM-global node manager, and deletes the data. {@link #addNode} and {@link #retire} grow and
 * shrink the set of running nodes for membership changes.
 */
public final class EscrowCluster implements AutoCloseable {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static final ChannelId BARRIER_CHANNEL = ChannelId.of(0);

    private final List<RaftStoreConfig> configs = new CopyOnWriteArrayList<>();
    private final List<SkewableClock> clocks = new CopyOnWriteArrayList<>();
    /** Node i's disk faults, registered for its data directory while the cluster is open. */
    private final List<DiskFaults> disks = new CopyOnWriteArrayList<>();
    /** Grown (copied) under this cluster's monitor by {@link #addNode}. */
    private volatile RaftPaymentStore[] nodes;
    /** Nodes removed from the group: never restarted. */
    private final Set<Integer> retired = ConcurrentHashMap.newKeySet();
    private final Path dataRoot;
    private final Duration awaitTimeout;
    private final Network network;
    private boolean closed;

    private EscrowCluster(Builder builder) {
        this.awaitTimeout = builder.awaitTimeout;
        try {
            this.dataRoot = builder.dataRoot == null ? Files.createTempDirectory("escrow-cluster-")
                    : Files.createTempDirectory(Files.createDirectories(builder.dataRoot), "escrow-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
        int[] ports = FreePorts.pick(builder.nodes);
        List<Member> members = IntStream.of(ports).mapToObj(p -> new Member("127.0.0.1", p)).toList();
        String raftGroup = "escrow-test-" + ProcessHandle.current().pid() + "-" + GROUPS.incrementAndGet();
        List<RaftStoreConfig> all = new ArrayList<>();
        for (int i = 0; i < builder.nodes; i++) {
            clocks.add(new SkewableClock());
            RaftStoreConfig.Builder node = RaftStoreConfig.builder()
                    .timeSource(clocks.get(i))
                    .unsafePlaintext()
                    .groupId(builder.groupId)
                    .raftGroup(raftGroup)
                    .self(members.get(i))
                    .members(members)
                    .dataDir(dataRoot.resolve("node-" + i))
                    .callbackExecutor(builder.callbackExecutors.apply(i));
            builder.nodeSettings.accept(node);
            all.add(node.build());
        }
        this.configs.addAll(all);
        all.forEach(c -> disks.add(DiskRegistry.register(c.dataDir())));
        this.nodes = new RaftPaymentStore[builder.nodes];
        this.network = new Network(members.stream().map(m -> new Endpoint(m.host(), m.port())).toList(), builder.seed);
        try {
            LinkRegistry.register(network.table());
        } catch (IllegalStateException e) {
            configs.forEach(c -> DiskRegistry.unregister(c.dataDir()));
            deleteRecursively(dataRoot);
            throw e;
        }
    }

    /** A builder for a 3-node cluster with 300 ms election timeouts. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts every node; returns without waiting for a leader. */
    public synchronized EscrowCluster start() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] == null) {
                nodes[i] = open(i);
            }
        }
        return this;
    }

    /** Opens node {@code i} with its RPC clients owned by it, so the network knows who sends. */
    private RaftPaymentStore open(int i) {
        Member self = configs.get(i).self();
        return ClientOwner.runAs(new Endpoint(self.host(), self.port()), () -> RaftPaymentStore.open(configs.get(i)));
    }

    /** The links between the nodes: cut, slow or lossy them, then heal. */
    public Network network() {
        return network;
    }

    /** Node {@code i}'s disk: make writes of its log, term/vote or snapshots fail, then heal. */
    public DiskFaults disk(int i) {
        return disks.get(i);
    }

    /** Number of nodes, running or not. */
    public int size() {
        return nodes.length;
    }

    /** The chain group id every node serves. */
    public GroupId groupId() {
        return configs.get(0).groupId();
    }

    /** The clocks node {@code i} reads (its config's {@code timeSource}): skew its wall clock to test clock faults. */
    public SkewableClock clock(int i) {
        return clocks.get(i);
    }

    /** The configuration of node {@code i}. */
    public RaftStoreConfig config(int i) {
        return configs.get(i);
    }

    /** Running node {@code i}. @throws IllegalStateException if it is stopped */
    public synchronized RaftPaymentStore node(int i) {
        RaftPaymentStore node = nodes[i];
        if (node == null) {
            throw new IllegalStateException("node " + i + " is stopped");
        }
        return node;
    }

    /** True if node {@code i} runs. */
    public synchronized boolean isRunning(int i) {
        return nodes[i] != null;
    }

    /** Indexes of the running nodes. */
    public synchronized List<Integer> running() {
        return IntStream.range(0, nodes.length).filter(i -> nodes[i] != null).boxed().toList();
    }

    /** A random running node. */
    public RaftPaymentStore anyNode() {
        List<Integer> up = running();
        return node(up.get(ThreadLocalRandom.current().nextInt(up.size())));
    }

    /**
     * Index of the node that a majority follows: a running node that believes it leads and that a
     * majority of its configuration's members (itself included) report as their leader. An old
     * leader cut off from the others may still believe it leads for up to an election timeout; it
     * is not the answer, since the majority follows the new one (or nobody yet). Empty if no node
     * has a majority behind it.
     */
    public synchronized Optional<Integer> leader() {
        Map<Integer, StoreStatus> statuses = new HashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                statuses.put(i, nodes[i].status());
            }
        }
        return statuses.keySet().stream()
                .filter(i -> statuses.get(i).isLeader() && followedByMajority(statuses.get(i), statuses.values()))
                .max(Comparator.comparingLong(i -> statuses.get(i).term()));
    }

    private static boolean followedByMajority(StoreStatus leader, Collection<StoreStatus> statuses) {
        long followers = statuses.stream()
                .filter(s -> leader.members().contains(s.self()) && s.leader().filter(leader.self()::equals).isPresent())
                .count();
        return followers > leader.members().size() / 2;
    }

    /** Waits until some running node leads; returns its index. */
    public int awaitLeader() {
        Await.until(awaitTimeout, () -> "a leader among nodes " + running(), () -> leader().isPresent());
        return leader().orElseThrow();
    }

    /**
     * Waits until every running node is ready ({@link RaftPaymentStore#awaitReady}): a leader backed
     * by a majority is known and each node has applied what was committed when it asked, so a call
     * made next on any running node does not wait for an election. Returns this cluster.
     *
     * @throws AssertionError if a node is not ready within the await timeout
     */
    public EscrowCluster awaitReady() {
        for (int i : running()) {
            try {
                node(i).awaitReady(awaitTimeout);
            } catch (NoQuorumException e) {
                throw new AssertionError("node " + i + " " + e.getMessage(), e);
            }
        }
        return this;
    }

    /** Waits until a node other than {@code former} leads; returns its index. */
    public int awaitNewLeader(int former) {
        Await.until(awaitTimeout, () -> "a leader other than node " + former,
                () -> leader().filter(i -> i != former).isPresent());
        return leader().orElseThrow();
    }

    /** A running node that is not the leader. @throws IllegalStateException if there is none */
    public int follower() {
        int leader = awaitLeader();
        return running().stream().filter(i -> i != leader).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running follower"));
    }

    /** Stops node {@code i} (graceful: it may hand leadership over first). Idempotent. */
    public void stop(int i) {
        RaftPaymentStore node;
        synchronized (this) {
            node = nodes[i];
            nodes[i] = null;
        }
        if (node != null) {
            node.close();
        }
    }

    /**
     * Crashes node {@code i}: cuts its links first, so it cannot hand leadership over or say
     * goodbye as a graceful {@link #stop} would, then stops it and puts back the rules its links
     * had before the crash. A node the test isolated (or whose links it cut, slowed or made lossy)
     * stays so when it is {@link #restart restarted}; call {@link Network#rejoin} to heal it.
     * Idempotent.
     */
    public void crash(int i) {
        Runnable restoreLinks = network.isolateUntilRestored(i);
        try {
            stop(i);
        } finally {
            restoreLinks.run();
        }
    }

    /** Starts node {@code i} again on its data directory and port. @throws IllegalStateException if retired */
    public synchronized RaftPaymentStore restart(int i) {
        if (retired.contains(i)) {
            throw new IllegalStateException("node " + i + " was retired");
        }
        if (nodes[i] == null) {
            nodes[i] = open(i);
        }
        return nodes[i];
    }

    /** Starts every stopped node that was not retired. */
    public void restartAll() {
        for (int i = 0; i < nodes.length; i++) {
            if (!retired.contains(i)) {
                restart(i);
            }
        }
    }

    /**
     * Starts one more node, on a new free port and data directory, as a <i>joining</i> node
     * ({@link RaftStoreConfig#joining()}): it runs but belongs to no configuration, and never
     * votes, until a member adds it with {@code admin().addMember}. The network's link table covers
     * only the nodes the cluster was built with, so links to and from added nodes stay healthy.
     *
     * @return the new node's index
     */
    public synchronized int addNode() {
        int index = nodes.length;
        Set<Integer> used = configs.stream().map(c -> c.self().port()).collect(Collectors.toSet());
        int port = FreePorts.pick(1)[0];
        while (used.contains(port)) {
            port = FreePorts.pick(1)[0];
        }
        Member self = new Member("127.0.0.1", port);
        List<Member> members = new ArrayList<>(configs.get(0).members());
        members.add(self);
        clocks.add(new SkewableClock());
        configs.add(configs.get(0).toBuilder().self(self).members(members).dataDir(dataRoot.resolve("node-" + index))
                .timeSource(clocks.get(index)).joining(true).build());
        disks.add(DiskRegistry.register(configs.get(index).dataDir()));
        nodes = Arrays.copyOf(nodes, index + 1);
        nodes[index] = open(index);
        return index;
    }

    /**
     * Stops node {@code i} for good, as for a node removed from the group: it no longer runs, and
     * {@link #restart} and {@link #restartAll} leave it stopped. Its data stays until {@link #close()}.
     */
    public void retire(int i) {
        retired.add(i);
        stop(i);
    }

    /**
     * Waits until every running node has applied everything the leader has committed and holds an
     * identical channel table; returns one node's digest. (Applied indexes may still differ by
     * configuration entries, which change no channel.) A linearizable read
     * on each node is the barrier: it succeeds only once the leader committed an entry of its own
     * term and the node applied up to it (right after a restart, nodes agree on an old index first).
     */
    public StateDigest awaitConvergence() {
        StateDigest[] agreed = new StateDigest[1];
        Await.until(awaitTimeout, () -> "convergence of " + digests(), () -> {
            if (!readBarrierOnEveryNode()) {
                return false;
            }
            List<StateDigest> digests = digests();
            StateDigest first = digests.get(0);
            boolean same = digests.stream().allMatch(d -> d.sameStateAs(first));
            agreed[0] = first;
            return same;
        });
        return agreed[0];
    }

    private boolean readBarrierOnEveryNode() {
        try {
            for (int i : running()) {
                node(i).channel(BARRIER_CHANNEL);
            }
            return true;
        } catch (EscrowStoreException e) {
            return false;
        }
    }

    /** Node {@code i}'s local (possibly stale) state of each given channel that it knows. */
    public Map<ChannelId, ChannelState> localChannels(int i, Collection<ChannelId> channelIds) {
        RaftPaymentStore store = node(i);
        Map<ChannelId, ChannelState> states = new HashMap<>();
        for (ChannelId id : channelIds) {
            store.channel(id, ReadConsistency.LOCAL).ifPresent(state -> states.put(id, state));
        }
        return states;
    }

    /** Each running node's current digest, in node order. */
    public List<StateDigest> digests() {
        return running().stream().map(i -> node(i).stateDigest()).toList();
    }

    /** Stops all nodes, checks none is left in jraft's node manager, deletes the data. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (int i = 0; i < nodes.length; i++) {
            stop(i);
        }
        LinkRegistry.unregister(network.table());
        configs.forEach(c -> DiskRegistry.unregister(c.dataDir()));
        String raftGroup = configs.get(0).raftGroup();
        List<?> registered = NodeManager.getInstance().getNodesByGroupId(raftGroup);
        int left = registered == null ? 0 : registered.size();
        deleteRecursively(dataRoot);
        if (left > 0) {
            throw new IllegalStateException(left + " jraft node(s) of group " + raftGroup + " still registered after close");
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Settings of an {@link EscrowCluster}; defaults suit tests on a small machine. */
    public static final class Builder {
        private int nodes = 3;
        private GroupId groupId = TestChannels.randomGroupId();
        private Duration awaitTimeout = Duration.ofSeconds(30);
        private long seed = 1;
        private Path dataRoot;
        /** The testkit's defaults, then every setting given to this builder, in the order given. */
        private Consumer<RaftStoreConfig.Builder> nodeSettings = node -> node
                .electionTimeout(Duration.ofMillis(300))
                .maxElectionDelay(Duration.ofMillis(300))
                .requestTimeout(Duration.ofSeconds(5))
                .snapshotInterval(Duration.ZERO);
        private IntFunction<Executor> callbackExecutors = i -> null;

        private Builder() {
        }

        /**
         * Node {@code i}'s callback executor (e.g. a {@link StallableExecutor}), kept across its
         * restarts; null for a store-owned pool. The cluster does not shut these executors down.
         * A node added by {@link EscrowCluster#addNode} gets node 0's. Default: every node owns
         * its pool.
         */
        public Builder callbackExecutors(IntFunction<Executor> callbackExecutors) {
            this.callbackExecutors = callbackExecutors;
            return this;
        }

        /**
         * Adjusts every node's {@link RaftStoreConfig}, e.g. its {@code maxInFlight}: applied after
         * the testkit's defaults and after the settings given before it (each call adds to them;
         * a later setting of the same option wins). <b>Warning:</b> leave {@code groupId},
         * {@code raftGroup}, {@code self}, {@code members} and {@code dataDir} alone; the cluster
         * depends on them.
         */
        public Builder nodeSettings(Consumer<RaftStoreConfig.Builder> nodeSettings) {
            this.nodeSettings = this.nodeSettings.andThen(Objects.requireNonNull(nodeSettings, "nodeSettings"));
            return this;
        }

        /**
         * Directory under which the cluster creates its own data directory (a new
         * {@code escrow-cluster-*} directory holding {@code node-0}, {@code node-1}, ...), e.g. a
         * JUnit {@code @TempDir} or a faster disk. Created if missing. {@link #close()} deletes the
         * cluster's directory and leaves {@code dataRoot} itself in place. Default: the system's
         * temporary directory.
         */
        public Builder dataRoot(Path dataRoot) {
            this.dataRoot = dataRoot;
            return this;
        }

        /** Seed of the network's random choices (which messages are lost, how long each is delayed). Default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Number of nodes, 1..7. Default 3. */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 7) {
                throw new IllegalArgumentException("nodes must be 1..7 but was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** The chain group id served. Default random. */
        public Builder groupId(GroupId groupId) {
            this.groupId = groupId;
            return this;
        }

        /**
         * Election timeout and its random extra delay: shorthand for {@link #nodeSettings} setting
         * {@code electionTimeout} and {@code maxElectionDelay}. Default 300 ms each.
         */
        public Builder electionTimeout(Duration base, Duration maxExtraDelay) {
            return nodeSettings(node -> node.electionTimeout(base).maxElectionDelay(maxExtraDelay));
        }

        /**
         * Deadline of every store call: shorthand for {@link #nodeSettings} setting
         * {@code requestTimeout}. Default 5 s.
         */
        public Builder requestTimeout(Duration requestTimeout) {
            return nodeSettings(node -> node.requestTimeout(requestTimeout));
        }

        /**
         * Automatic snapshot interval, zero disables: shorthand for {@link #nodeSettings} setting
         * {@code snapshotInterval}. Default zero (snapshots only on demand).
         */
        public Builder snapshotInterval(Duration snapshotInterval) {
            return nodeSettings(node -> node.snapshotInterval(snapshotInterval));
        }

        /** Longest the cluster's await methods wait. Default 30 s. */
        public Builder awaitTimeout(Duration awaitTimeout) {
            this.awaitTimeout = awaitTimeout;
            return this;
        }

        /** Builds a cluster without starting it. */
        public EscrowCluster build() {
            return new EscrowCluster(this);
        }

        /** Builds and starts a cluster. */
        public EscrowCluster start() {
            return build().start();
        }
    }
}
