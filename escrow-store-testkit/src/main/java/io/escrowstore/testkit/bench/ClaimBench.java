package io.escrowstore.testkit.bench;

import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The claim benchmark: N nodes (in this JVM, or one worker process per node), C channels synced
 * from "chain", closed-loop clients spread over the nodes (client i uses node i mod n, so most
 * claims are forwarded to the leader), each claim the valid next payment of a random free channel;
 * a fraction of accepted payments is replayed on another node and must be rejected. Fixed warm-up,
 * then a fixed measured window. Prints a summary and appends a CSV row and a JSON line to the
 * results directory. Exit code 1 if the run saw a double spend or the audit failed.
 *
 * <pre>
 * mvn -B -q -o -pl escrow-store-testkit exec:exec -Pbench -Dbench.args="--nodes 3 --clients 64"
 * </pre>
 */
@Command(name = "claim-bench", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = "Closed-loop claim benchmark of escrow-store.")
public final class ClaimBench implements Callable<Integer> {

    enum ClusterKind { testkit, direct, processes }

    @Option(names = "--cluster", defaultValue = "testkit",
            description = "testkit: EscrowCluster in this JVM (RPC through the testkit's fault-injection layer, "
                    + "all links healthy); direct: RaftPaymentStore.open in this JVM, nothing in between; "
                    + "processes: one worker JVM per node, each running its own clients. Default: ${DEFAULT-VALUE}.")
    ClusterKind cluster;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes in the group. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--clients", defaultValue = "16",
            description = "Closed-loop clients; client i uses node i mod nodes. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--channels", defaultValue = "10000",
            description = "Channels synced before the run (at least 2 x clients). Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
            description = "Warm-up before the measured window. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "15s", converter = DurationConverter.class,
            description = "Measured window. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--cold-window", defaultValue = "10s", converter = DurationConverter.class,
            description = "Start of the warm-up reported apart (cold_* columns); no longer than the warm-up. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration coldWindow;

    @Option(names = "--replay-fraction", defaultValue = "0.05",
            description = "Share of accepted payments shown again to another node (must be rejected). "
                    + "Default: ${DEFAULT-VALUE}.")
    double replayFraction;

    @Option(names = "--price", defaultValue = "10", description = "Price of one call. Default: ${DEFAULT-VALUE}.")
    long price;

    @Option(names = "--election-timeout", defaultValue = "1s", converter = DurationConverter.class,
            description = "Election timeout (production default). Default: ${DEFAULT-VALUE}.")
    Duration electionTimeout;

    @Option(names = "--max-election-delay", defaultValue = "1s", converter = DurationConverter.class,
            description = "Random extra election delay (production default). Default: ${DEFAULT-VALUE}.")
    Duration maxElectionDelay;

    @Option(names = "--request-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "Deadline of every store call. Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(names = "--snapshot-interval", defaultValue = "1h", converter = DurationConverter.class,
            description = "Automatic snapshot interval, 0 = off (production default 1h). Default: ${DEFAULT-VALUE}.")
    Duration snapshotInterval;

    @Option(names = "--preload-window", defaultValue = "256",
            description = "Syncs in flight while preloading. Default: ${DEFAULT-VALUE}.")
    int preloadWindow;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' choices. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--data-dir", description = "Parent of the nodes' data directories. Default: java.io.tmpdir.")
    Path dataDir;

    @Option(names = "--results-dir", defaultValue = "bench-results",
            description = "Where bench.csv and bench.jsonl are appended. Default: ${DEFAULT-VALUE}.")
    Path resultsDir;

    @Option(names = "--label", defaultValue = "", description = "Free text stored with the row.")
    String label;

    @Option(names = "--worker-jvm-args", defaultValue = "",
            description = "JVM options of each worker process (--cluster processes), space-separated.")
    String workerJvmArgs;

    @Option(names = "--engine-floor",
            description = "Every node answers each claim as accepted without applying it (test-only switch): "
                    + "the engine's own cost. Forces --replay-fraction 0; the audit is n/a.")
    boolean engineFloor;

    /**
     * Runs the claim benchmark and exits with its status.
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the benchmark as the command line would; returns the exit code. */
    public static int execute(String... args) {
        return new CommandLine(new ClaimBench()).setOverwrittenOptionsAllowed(true).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 7) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nodes must be 1..7");
        }
        if (clients < 1 || channels < 2 * clients) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need --clients >= 1 and --channels >= 2 x clients");
        }
        if (replayFraction < 0 || replayFraction > 1 || price < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--replay-fraction must be 0..1 and --price >= 1");
        }
        if (engineFloor) {
            // the floor stores nothing, so it cannot reject a replay
            replayFraction = 0;
        }
        Path root = Files.createTempDirectory(dataDir != null ? Files.createDirectories(dataDir)
                : Path.of(System.getProperty("java.io.tmpdir")), "escrow-bench-");
        BenchCluster.NodeSettings settings = new BenchCluster.NodeSettings(nodes, electionTimeout, maxElectionDelay,
                requestTimeout, snapshotInterval, root, engineFloor);
        String runTag = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
                ThreadLocalRandom.current().nextInt(1 << 20), 36);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("time", Instant.now().toString());
        row.put("label", label);
        row.put("cluster", cluster.name());
        row.put("nodes", nodes);
        row.put("clients", clients);
        row.put("channels", channels);
        row.put("warmup_s", warmup.toMillis() / 1000.0);
        row.put("measure_s", duration.toMillis() / 1000.0);
        row.put("replay_fraction", replayFraction);
        row.put("engine_floor", engineFloor);
        row.put("price", price);
        row.put("election_timeout_ms", electionTimeout.toMillis());
        row.put("max_election_delay_ms", maxElectionDelay.toMillis());
        row.put("request_timeout_ms", requestTimeout.toMillis());
        row.put("snapshot_interval_s", snapshotInterval.toSeconds());
        row.put("seed", seed);
        row.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        row.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        row.put("worker_jvm_args", cluster == ClusterKind.processes ? workerJvmArgs : "");
        row.put("cpus", Runtime.getRuntime().availableProcessors());
        row.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        row.put("rpc_factory", cluster == ClusterKind.processes ? "(per worker) " + rpcFactory() : rpcFactory());
        row.put("data_dir", root.toString());
        row.put("loadavg_1m_at_start", loadAverage());

        long t0 = System.nanoTime();
        int exit = 0;
        try (Target target = open(settings)) {
            Target.Leadership first = target.awaitLeader(Duration.ofSeconds(60));
            row.put("replay_target", target.replayTarget());
            row.put("first_leader_ms", (System.nanoTime() - t0) / 1_000_000);
            log("leader: node %d (term %d) after %d ms; syncing %d channels", first.leader(), first.term(),
                    (System.nanoTime() - t0) / 1_000_000, channels);
            double[] preload = target.preload(channels, preloadWindow);
            row.put("preload_s", preload[0]);
            row.put("preload_per_s", channels / preload[0]);
            row.put("heap_after_preload_mb", preload[1]);
            log("preloaded in %.1f s (%.0f/s), heap after GC %.0f MiB; %d clients: warm-up %s, measuring %s",
                    preload[0], channels / preload[0], preload[1], clients, warmup, duration);
            Target.Leadership before = target.leadership();
            Load.Output out = target.run(new Load.Spec(clients, channels, price, replayFraction, seed, runTag,
                    warmup, duration, coldWindow));
            Target.Leadership after = target.leadership();
            long inStore = target.claimsInStore(channels, price);
            exit = results(row, before, after, out, inStore);
        } finally {
            BenchCluster.deleteRecursively(root);
        }
        Path csv = ResultWriter.append(resultsDir, "bench", row);
        log("appended to %s and %s", csv.toAbsolutePath(), resultsDir.resolve("bench.jsonl").toAbsolutePath());
        return exit;
    }

    private Target open(BenchCluster.NodeSettings settings) throws Exception {
        return switch (cluster) {
            case testkit -> new Target.InJvm(BenchCluster.testkit(settings));
            case direct -> new Target.InJvm(BenchCluster.direct(settings));
            case processes -> ProcessTarget.start(settings, workerJvmArgs);
        };
    }

    private int results(Map<String, Object> row, Target.Leadership before, Target.Leadership after, Load.Output out,
            long inStore) {
        ClientStats s = out.stats();
        double secs = duration.toMillis() / 1000.0;
        long rejected = s.replayRejectedCount + s.unexpectedRejectedCount();
        row.put("leader_start", before.leader());
        row.put("leader_end", after.leader());
        row.put("term_changes", after.term() - before.term());
        row.put("accepted", s.acceptedCount);
        row.put("accepted_per_s", s.acceptedCount / secs);
        row.put("rejected", rejected);
        row.put("rejected_per_s", rejected / secs);
        row.put("replay_rejected", s.replayRejectedCount);
        row.put("unexpected_rejected", s.unexpectedRejectedCount());
        StringBuilder reasons = new StringBuilder();
        s.unexpectedRejected.forEach((r, n) -> reasons.append(reasons.length() == 0 ? "" : " ").append(r).append('=').append(n));
        row.put("unexpected_reasons", reasons.toString());
        row.put("replay_accepted", s.replayAcceptedCount);
        row.put("indeterminate", s.indeterminate);
        row.put("no_quorum", s.noQuorum);
        row.put("overloaded", s.overloaded);
        row.put("other_errors", s.otherErrors);
        latency(row, "acc", s.accepted);
        latency(row, "rej", s.replays);
        coldWindow(row, s);
        Resources.Used u = out.used();
        row.put("process_cpu_cores", u.processCores());
        row.put("cpu_ms_per_accepted", s.acceptedCount == 0 ? Double.NaN : u.processCpuSeconds() * 1000 / s.acceptedCount);
        row.put("machine_busy_pct", u.machineBusyPct());
        // everything else on the machine (other processes, and kernel work such as fsync and loopback)
        row.put("machine_minus_process_cores",
                u.machineBusyPct() / 100 * Runtime.getRuntime().availableProcessors() - u.processCores());
        row.put("gc_ms", u.gcMillis());
        row.put("gc_count", u.gcCount());
        contextSwitches(row, u.switches(), s.acceptedCount);
        boolean auditOk = inStore >= s.acceptedTotal && inStore <= s.acceptedTotal + s.indeterminateTotal;
        row.put("acked_total", s.acceptedTotal);
        row.put("in_store_total", inStore);
        // the floor stores no claim: there is nothing to audit
        row.put("audit", engineFloor ? "n/a" : auditOk && s.replayAcceptedCount == 0 ? "ok" : "FAILED");
        row.put("first_error", s.firstError);

        log("accepted %.1f/s, rejected %.1f/s (replays %d, unexpected %d %s), errors: indeterminate %d, no quorum %d, "
                        + "overloaded %d, other %d", s.acceptedCount / secs, rejected / secs, s.replayRejectedCount,
                s.unexpectedRejectedCount(), reasons, s.indeterminate, s.noQuorum, s.overloaded, s.otherErrors);
        log("accepted latency ms: p50 %s p90 %s p99 %s p99.9 %s max %s (n=%d); replay latency p50 %s p99 %s",
                f(row, "acc_p50_ms"), f(row, "acc_p90_ms"), f(row, "acc_p99_ms"), f(row, "acc_p999_ms"),
                f(row, "acc_max_ms"), s.accepted.getTotalCount(), f(row, "rej_p50_ms"), f(row, "rej_p99_ms"));
        log("process CPU %.2f cores (%s ms per accepted claim), machine busy %.0f %%, GC %d ms in %d collections; "
                        + "leader %d -> %d, term changes %d", u.processCores(), f(row, "cpu_ms_per_accepted"),
                u.machineBusyPct(), u.gcMillis(), u.gcCount(), before.leader(), after.leader(),
                after.term() - before.term());
        log("cold window (first %s s of the load): accepted %s/s, p50 %s ms, p99 %s ms; context switches per accepted "
                        + "claim %s (voluntary %s), %s threads", f(row, "cold_window_s"), f(row, "cold_accepted_per_s"),
                f(row, "cold_acc_p50_ms"), f(row, "cold_acc_p99_ms"), f(row, "ctx_switches_per_accepted"),
                f(row, "voluntary_ctx_switches_per_accepted"), f(row, "threads"));
        log("audit %s: %d claims acknowledged over the run, %d in the store, %d indeterminate, %d replays accepted",
                row.get("audit"), s.acceptedTotal, inStore, s.indeterminateTotal, s.replayAcceptedCount);
        return "FAILED".equals(row.get("audit")) ? 1 : 0;
    }

    /** Accepted claims of the cold window: the first {@code --cold-window} of the load, within the warm-up. */
    private void coldWindow(Map<String, Object> row, ClientStats s) {
        double secs = Math.min(coldWindow.toMillis(), warmup.toMillis()) / 1000.0;
        boolean empty = s.coldAccepted.getTotalCount() == 0;
        row.put("cold_window_s", secs);
        row.put("cold_accepted_per_s", secs <= 0 ? Double.NaN : s.coldAcceptedCount / secs);
        row.put("cold_acc_p50_ms", empty ? Double.NaN : s.coldAccepted.getValueAtPercentile(50) / 1e6);
        row.put("cold_acc_p99_ms", empty ? Double.NaN : s.coldAccepted.getValueAtPercentile(99) / 1e6);
    }

    /**
     * Context switches of the threads of the processes that ran nodes and clients during the
     * measured window, per accepted claim; empty (null) where they could not be read.
     */
    private static void contextSwitches(Map<String, Object> row, ThreadSwitches.Counted c, long accepted) {
        boolean known = c.known();
        row.put("ctx_switches_per_accepted", !known ? null : accepted == 0 ? Double.NaN : (double) c.total() / accepted);
        row.put("voluntary_ctx_switches_per_accepted",
                !known ? null : accepted == 0 ? Double.NaN : (double) c.voluntary() / accepted);
        row.put("threads", known ? c.threads() : null);
    }

    private static String f(Map<String, Object> row, String key) {
        return ResultWriter.format(row.get(key));
    }

    private static void latency(Map<String, Object> row, String prefix, Histogram h) {
        boolean empty = h.getTotalCount() == 0;
        row.put(prefix + "_p50_ms", empty ? Double.NaN : h.getValueAtPercentile(50) / 1e6);
        row.put(prefix + "_p90_ms", empty ? Double.NaN : h.getValueAtPercentile(90) / 1e6);
        row.put(prefix + "_p99_ms", empty ? Double.NaN : h.getValueAtPercentile(99) / 1e6);
        row.put(prefix + "_p999_ms", empty ? Double.NaN : h.getValueAtPercentile(99.9) / 1e6);
        row.put(prefix + "_max_ms", empty ? Double.NaN : h.getMaxValue() / 1e6);
        row.put(prefix + "_mean_ms", empty ? Double.NaN : h.getMean() / 1e6);
    }

    /** The 1-minute load average from /proc/loadavg, or NaN. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static String rpcFactory() {
        try {
            return RpcFactoryHelper.rpcFactory().getClass().getName();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }

    static void log(String format, Object... args) {
        System.out.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601, as a node's settings take them. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return StoreProperties.duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
