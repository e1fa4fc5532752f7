package io.escrowstore.testkit.demo;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.RejectReason;
import io.escrowstore.testkit.DoubleSpendLoad;
import io.escrowstore.testkit.EscrowCluster;
import io.escrowstore.testkit.History;
import io.escrowstore.testkit.HistoryChecker;
import io.escrowstore.testkit.TestChannels;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * The demo: a 3-node store in this JVM, simulated replicas shown the same payments concurrently
 * (double-spend attempts), the leader stopped midway and restarted later, then the history checked
 * against the final state of every node; then a reservation whose owner dies and expires, and a
 * settlement round ({@link LifecycleShow}). Exits 1 on any violation.
 *
 * <p>Arguments (all optional): {@code seconds} (default 20), {@code channels} (64), {@code clients} (16), {@code seed} (42).
 */
public final class EscrowDemo {
    private static final long PRICE = 10;
    private static final long DEPOSIT = 1_000_000_000L;

    private EscrowDemo() {
    }

    /**
     * Runs the demo; exits non-zero on a violation.
     *
     * @param args optionally, how many seconds the load runs (default 20)
     * @throws Exception if the cluster cannot start
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int channelCount = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        int exit = run(seconds, channelCount, clients, seed, System.out);
        System.exit(exit);
    }

    static int run(int seconds, int channelCount, int clients, long seed, PrintStream out) throws Exception {
        History history = new History();
        List<Long> channels = LongStream.rangeClosed(1, channelCount).boxed().toList();
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(3).start()) {
            long started = System.nanoTime();
            int leader = cluster.awaitLeader();
            long firstLeader = (System.nanoTime() - started) / 1_000_000;
            cluster.awaitReady();
            out.printf("3 nodes up: node %d leads after %d ms, every node ready after %d ms; syncing %d channels"
                    + " from \"chain\"%n", leader, firstLeader, (System.nanoTime() - started) / 1_000_000, channelCount);
            for (long id : channels) {
                cluster.anyNode().syncFromChain(TestChannels.opened(cluster.groupId(), id, DEPOSIT));
            }
            out.printf("%d clients show every payment to 2-3 replicas at once for %d s%n", clients, seconds);
            int leaderChanges = 0;
            Optional<Integer> lastLeader = Optional.of(leader);
            Integer stopped = null;
            DoubleSpendLoad load = DoubleSpendLoad.builder(cluster, history).channels(channels).clients(clients)
                    .price(PRICE).seed(seed).readShare(0).start();
            try (load) {
                for (int second = 1; second <= seconds; second++) {
                    Thread.sleep(1000);
                    if (second == seconds * 2 / 5) {
                        stopped = cluster.leader().orElse(0);
                        out.printf("  >> stopping the leader, node %d%n", stopped);
                        cluster.stop(stopped);
                    }
                    if (stopped != null && second == seconds * 4 / 5) {
                        out.printf("  >> restarting node %d from its data directory%n", stopped);
                        cluster.restart(stopped);
                    }
                    Optional<Integer> now = cluster.leader();
                    if (now.isPresent() && !now.equals(lastLeader)) {
                        leaderChanges++;
                        lastLeader = now;
                    }
                    out.printf("  %3ds  attempted %7d  accepted %6d  rejected %7d  unknown %4d  leader %s%n", second,
                            load.attempted(), load.accepted(), load.rejected(), load.indeterminate() + load.failed(),
                            now.map(i -> "node " + i).orElse("(election)"));
                }
            }
            cluster.restartAll();
            cluster.awaitLeader();
            cluster.awaitConvergence();
            List<ChannelId> ids = channels.stream().map(ChannelId::of).toList();
            List<Map<ChannelId, ChannelState>> finals = new ArrayList<>();
            for (int node = 0; node < cluster.size(); node++) {
                finals.add(cluster.localChannels(node, ids));
            }
            HistoryChecker.Verdict verdict = HistoryChecker.check(history, finals);
            printTable(out, load, leaderChanges, verdict, (System.nanoTime() - started) / 1_000_000);
            boolean lifecycleOk = LifecycleShow.run(cluster, ids, PRICE, out);
            return verdict.ok() && lifecycleOk ? 0 : 1;
        }
    }

    private static void printTable(PrintStream out, DoubleSpendLoad load, int leaderChanges,
            HistoryChecker.Verdict verdict, long millis) {
        out.println();
        out.println("| claims                         |   count |");
        out.println("|--------------------------------|--------:|");
        out.printf("| attempted                      | %7d |%n", load.attempted());
        out.printf("| accepted                       | %7d |%n", load.accepted());
        for (RejectReason reason : RejectReason.values()) {
            if (load.rejected(reason) > 0) {
                out.printf("| rejected %-21s | %7d |%n", reason, load.rejected(reason));
            }
        }
        out.printf("| failed, outcome unknown        | %7d |%n", load.indeterminate());
        out.printf("| failed, not applied            | %7d |%n", load.failed());
        out.printf("| leader changes                 | %7d |%n", leaderChanges);
        out.println();
        out.printf("double-accepted: %d%n", verdict.doubleAccepted());
        out.printf("lost acknowledged: %d%n", verdict.lostAcknowledged());
        verdict.violations().stream().limit(20).forEach(v -> out.println("  VIOLATION " + v));
        out.printf("%s in %.1f s%n", verdict.ok() ? "OK" : "FAILED", millis / 1000.0);
    }
}
