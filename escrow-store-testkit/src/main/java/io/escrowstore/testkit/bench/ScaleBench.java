package io.escrowstore.testkit.bench;

import io.escrowstore.Accepted;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.testkit.TestChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How the store grows with its channel count. For each size: a fresh group of nodes in this JVM,
 * opened as a replica would ({@link RaftPaymentStore#open}), N channels synced, then measured in
 * this order: heap per node after a full GC, single-client claim latency via the leader and via a
 * follower, snapshot time on a follower and on the leader, the restart of that follower (snapshot
 * load plus the replay of the claims made after the snapshot), and the catch-up of a follower that
 * lost its data directory (the leader installs its snapshot). One CSV row and JSON line per size.
 *
 * <pre>
 * mvn -B -q -o -pl escrow-store-testkit exec:exec -Pbench -Dbench.main=io.escrowstore.testkit.bench.ScaleBench \
 *     -Dbench.jvmArgs="-Xmx12g" -Dbench.args="--channels 10000,100000,1000000"
 * </pre>
 */
@Command(name = "scale-bench", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = "Heap, snapshot, restart and catch-up of escrow-store against its channel count.")
public final class ScaleBench implements Callable<Integer> {
    private static final long PRICE = 10;

    @Option(names = "--channels", defaultValue = "10000,100000,1000000", split = ",",
            description = "Channel counts, one fresh group each. Default: ${DEFAULT-VALUE}.")
    List<Integer> sizes;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes in the group. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--claims", defaultValue = "3000",
            description = "Claims per latency measurement (after as many warm-up claims); they also form the log "
                    + "the restarted follower replays. Default: ${DEFAULT-VALUE}.")
    int claims;

    @Option(names = "--dedup-entries", defaultValue = "200000",
            description = "The nodes' request-id window (RaftStoreConfig.dedupMaxEntries). Default: ${DEFAULT-VALUE}.")
    int dedupEntries;

    @Option(names = "--preload-window", defaultValue = "256",
            description = "Syncs in flight while preloading. Default: ${DEFAULT-VALUE}.")
    int preloadWindow;

    @Option(names = "--timeout", defaultValue = "10m", converter = ClaimBench.DurationConverter.class,
            description = "Longest wait for a restart or a catch-up. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--data-dir", description = "Where node data goes (deleted afterwards). Default: java.io.tmpdir.")
    Path dataDir;

    @Option(names = "--results-dir", defaultValue = "bench-results",
            description = "Where scale.csv and scale.jsonl are appended. Default: ${DEFAULT-VALUE}.")
    Path resultsDir;

    @Option(names = "--label", defaultValue = "", description = "Free text for the row.")
    String label;

    /**
     * Runs the scale benchmark and exits with its status.
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the benchmark as the command line would; returns the exit code (1 if a caught-up state differed). */
    public static int execute(String... args) {
        return new CommandLine(new ScaleBench()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        int exit = 0;
        for (int channels : sizes) {
            Map<String, Object> row = measure(channels);
            Path csv = ResultWriter.append(resultsDir, "scale", row);
            log("appended to %s", csv);
            if (!Boolean.TRUE.equals(row.get("caught_up_state_equal"))) {
                exit = 1;
            }
        }
        return exit;
    }

    private Map<String, Object> measure(int channels) throws Exception {
        Path root = Files.createTempDirectory(dataDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dataDir,
                "escrow-scale-");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("time", Instant.now().toString());
        row.put("label", label);
        row.put("channels", channels);
        row.put("nodes", nodes);
        row.put("dedup_entries", dedupEntries);
        row.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        BenchCluster.NodeSettings settings = new BenchCluster.NodeSettings(nodes, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO, root, false);
        GroupId groupId = TestChannels.randomGroupId();
        List<RaftStoreConfig> configs = BenchCluster.configs(settings, groupId, "escrow-scale-" + channels).stream()
                .map(c -> c.toBuilder().dedupMaxEntries(dedupEntries).build())
                .toList();
        RaftPaymentStore[] group = new RaftPaymentStore[nodes];
        try {
            double heapEmpty = Load.heapAfterGcMb();
            for (int i = 0; i < nodes; i++) {
                group[i] = RaftPaymentStore.open(configs.get(i));
            }
            int leader = awaitLeader(group);
            int follower = (leader + 1) % nodes;
            log("%,d channels: leader node %d; preloading", channels, leader);
            double preloadSeconds = Load.preload(group[leader], groupId, channels, preloadWindow);
            awaitApplied(group, group[leader].status().lastAppliedIndex());
            double heapLoaded = Load.heapAfterGcMb();
            row.put("preload_s", preloadSeconds);
            row.put("preload_per_s", channels / preloadSeconds);
            row.put("heap_per_node_mb", (heapLoaded - heapEmpty) / nodes);
            row.put("heap_bytes_per_channel", (heapLoaded - heapEmpty) * 1024 * 1024 / nodes / channels);
            log("preloaded in %.1f s; heap per node %.0f MiB after GC", preloadSeconds, (heapLoaded - heapEmpty) / nodes);

            row.put("snapshot_follower_ms", millis(() -> group[follower].snapshot().get()));
            row.put("snapshot_leader_ms", millis(() -> group[leader].snapshot().get()));
            row.put("snapshot_mb", directoryBytes(configs.get(follower).dataDir().resolve("snapshot")) / (1024.0 * 1024.0));

            ChannelCursor cursor = new ChannelCursor(channels);
            claimLatency(group[leader], cursor, row, "leader");
            claimLatency(group[follower], cursor, row, "follower");
            long target = group[leader].status().lastAppliedIndex();
            awaitApplied(group, target);

            group[follower].close();
            long restartNanos = timed(() -> {
                group[follower] = RaftPaymentStore.open(configs.get(follower));
                awaitApplied(group[follower], target);
            });
            row.put("restart_ms", restartNanos / 1e6);
            row.put("restart_replayed_claims", 2L * claims * 2);
            log("follower restarted and replayed its log tail in %.0f ms", restartNanos / 1e6);

            group[follower].close();
            BenchCluster.deleteRecursively(configs.get(follower).dataDir());
            long catchUpNanos = timed(() -> {
                group[follower] = RaftPaymentStore.open(configs.get(follower));
                awaitApplied(group[follower], target);
            });
            row.put("catch_up_ms", catchUpNanos / 1e6);
            log("wiped follower caught up by snapshot install in %.0f ms", catchUpNanos / 1e6);
            boolean same = group[follower].stateDigest().sameStateAs(group[leader].stateDigest());
            row.put("caught_up_state_equal", same);
            if (!same) {
                log("FAILED: the caught-up follower's state differs from the leader's");
            }
        } finally {
            for (RaftPaymentStore node : group) {
                if (node != null) {
                    node.close();
                }
            }
            BenchCluster.deleteRecursively(root);
        }
        return row;
    }

    /** Claims the next payment of successive channels, one at a time; records p50/p99 of the measured half. */
    private void claimLatency(RaftPaymentStore node, ChannelCursor cursor, Map<String, Object> row, String via) {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 0; i < 2 * claims; i++) {
            long channel = cursor.next();
            long started = System.nanoTime();
            ClaimResult result = node.claim(TestChannels.claim(channel, 0, cursor.amount(channel), PRICE));
            long took = System.nanoTime() - started;
            if (!(result instanceof Accepted)) {
                throw new IllegalStateException("claim on channel " + channel + " was not accepted: " + result);
            }
            if (i >= claims) {
                histogram.recordValue(took);
            }
        }
        row.put("claim_p50_ms_" + via, histogram.getValueAtPercentile(50) / 1e6);
        row.put("claim_p99_ms_" + via, histogram.getValueAtPercentile(99) / 1e6);
        log("single-client claim via %s: p50 %.2f ms, p99 %.2f ms", via, histogram.getValueAtPercentile(50) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6);
    }

    private int awaitLeader(RaftPaymentStore[] group) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < group.length; i++) {
                if (group[i].status().isLeader() && group[i].status().term() > 0) {
                    return i;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    private void awaitApplied(RaftPaymentStore[] group, long index) throws InterruptedException {
        for (RaftPaymentStore node : group) {
            awaitApplied(node, index);
        }
    }

    /** Polls every millisecond: the wait is part of what restart and catch-up measure. */
    private void awaitApplied(RaftPaymentStore node, long index) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (node.status().lastAppliedIndex() < index) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(node + " did not apply index " + index + " within " + timeout);
            }
            Thread.sleep(1);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long timed(Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        return System.nanoTime() - started;
    }

    private static double millis(Step step) throws Exception {
        return timed(step) / 1e6;
    }

    private static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", Instant.now(), String.format(Locale.ROOT, format, args));
    }

    /** Hands out channels round-robin and remembers each one's next cumulative amount. */
    private static final class ChannelCursor {
        private final long[] claimed;
        private int next;

        ChannelCursor(int channels) {
            this.claimed = new long[channels];
        }

        long next() {
            long channel = Load.FIRST_CHANNEL + next;
            next = (next + 1) % claimed.length;
            return channel;
        }

        /** The cumulative amount of {@code channel}'s next claim; counts it as claimed. */
        long amount(long channel) {
            int slot = (int) (channel - Load.FIRST_CHANNEL);
            claimed[slot] += PRICE;
            return claimed[slot];
        }
    }
}
