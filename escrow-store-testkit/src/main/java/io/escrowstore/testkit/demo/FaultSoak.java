package io.escrowstore.testkit.demo;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import io.escrowstore.testkit.DoubleSpendLoad;
import io.escrowstore.testkit.EscrowCluster;
import io.escrowstore.testkit.History;
import io.escrowstore.testkit.LinearizabilityChecker;
import io.escrowstore.testkit.Network;
import io.escrowstore.testkit.TestChannels;
import io.escrowstore.testkit.Verification;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

/**
 * The long soak: every in-JVM fault of the suites, chosen at random from a seed, one after the
 * other under double-spend traffic with reads, for a chosen duration; then heal, converge and run
 * both checkers on the whole history. Exits 1 on a violation or when the store stops making
 * progress after a fault is healed.
 *
 * <p>Arguments (all optional): {@code seconds} (default 300), {@code nodes} (5), {@code seed} (42).
 * Run it with {@code mvn -B -q -pl escrow-store-testkit exec:exec -Psoak -Dsoak.seconds=600 -Dsoak.seed=7}.
 */
public final class FaultSoak {
    private static final long PRICE = 10;
    private static final long DEPOSIT = 1_000_000_000_000L;
    private static final Duration FAULT_WINDOW = Duration.ofSeconds(4);
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    /** The faults the soak draws from. */
    private enum Fault { ISOLATE_LEADER, HALVES, ONE_WAY_CUT, CRASH_FOLLOWER, CRASH_LEADER, PAUSE_NODE, SLOW_LINKS,
        LOSSY_LINKS, MAJORITY_RING, BRIDGE, SNAPSHOT_LEADER, FULL_RESTART }

    private FaultSoak() {
    }

    /**
     * Runs the soak; exits non-zero on a violation.
     *
     * @param args optionally seconds (default 300), then node count and seed
     */
    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        System.exit(run(seconds, nodes, seed, System.out) ? 0 : 1);
    }

    static boolean run(int seconds, int nodes, long seed, PrintStream out) {
        Random random = new Random(seed);
        History history = new History();
        Map<ChannelId, ChannelState> initial = new HashMap<>();
        Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
        List<Long> channels = LongStream.rangeClosed(1, 32).boxed().toList();
        out.printf("soak: %d nodes, seed %d, %d s%n", nodes, seed, seconds);
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(nodes).seed(seed)
                .requestTimeout(Duration.ofSeconds(2)).snapshotInterval(Duration.ofSeconds(5)).start()) {
            cluster.awaitLeader();
            for (long id : channels) {
                SyncResult opened = cluster.anyNode().syncFromChain(TestChannels.opened(cluster.groupId(), id, DEPOSIT));
                initial.put(ChannelId.of(id), ((Synced) opened).state());
            }
            long started = System.nanoTime();
            long end = started + Duration.ofSeconds(seconds).toNanos();
            try (DoubleSpendLoad load = DoubleSpendLoad.builder(cluster, history).channels(channels).clients(16)
                    .price(PRICE).seed(seed).readShare(0.25).start()) {
                while (System.nanoTime() - end < 0) {
                    Fault fault = pick(random, nodes);
                    String what = inject(fault, cluster, random);
                    injected.merge(fault, 1, Integer::sum);
                    long before = load.accepted();
                    waitFor(FAULT_WINDOW, () -> load.accepted() >= before + 200);
                    cluster.network().heal();
                    cluster.restartAll();
                    long healed = load.accepted();
                    if (!waitFor(RECOVERY, () -> load.accepted() >= healed + 50)) {
                        out.printf("NO PROGRESS within %d s after healing %s (seed %d)%n", RECOVERY.toSeconds(), what,
                                seed);
                        return false;
                    }
                    out.printf("%6.1fs %-45s accepted %7d  rejected %7d  indeterminate %5d  not applied %5d%n",
                            (System.nanoTime() - started) / 1e9, what, load.accepted(), load.rejected(),
                            load.indeterminate(), load.failed());
                }
            }
            Verification.Report report = Verification.afterHealing(cluster, history, initial,
                    LinearizabilityChecker.forGroup(cluster.groupId()).withBudget(2_000_000_000L, Duration.ofMinutes(30)));
            Map<History.Outcome, Long> claims = history.outcomes(History.Kind.CLAIM);
            out.printf("%nfaults injected: %s%n", injected);
            out.printf("operations %d: claims accepted %d, rejected %d, indeterminate %d, not applied %d; reads %d%n",
                    history.size(), claims.get(History.Outcome.ACCEPTED), claims.get(History.Outcome.REJECTED),
                    claims.get(History.Outcome.INDETERMINATE), claims.get(History.Outcome.FAILED),
                    history.outcomes(History.Kind.READ).get(History.Outcome.READ));
            out.println(report.describe());
            out.printf("%s (seed %d)%n", report.ok() ? "OK" : "VIOLATION", seed);
            return report.ok();
        }
    }

    private static Fault pick(Random random, int nodes) {
        while (true) {
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            if (nodes == 5 || (fault != Fault.MAJORITY_RING && fault != Fault.BRIDGE)) {
                return fault;
            }
        }
    }

    private static String inject(Fault fault, EscrowCluster cluster, Random random) {
        Network network = cluster.network();
        int leader = cluster.awaitLeader();
        List<Integer> others = new ArrayList<>(cluster.running());
        others.remove(Integer.valueOf(leader));
        int other = others.get(random.nextInt(others.size()));
        switch (fault) {
            case ISOLATE_LEADER -> network.isolate(leader);
            case HALVES -> {
                return "halves, minority " + network.splitHalves(random);
            }
            case ONE_WAY_CUT -> {
                if (random.nextBoolean()) {
                    network.cut(leader, other);
                    return "one-way cut " + leader + "→" + other;
                }
                network.cut(other, leader);
                return "one-way cut " + other + "→" + leader;
            }
            case CRASH_FOLLOWER -> cluster.crash(other);
            case CRASH_LEADER -> cluster.crash(leader);
            case PAUSE_NODE -> network.isolate(random.nextBoolean() ? leader : other);
            case SLOW_LINKS -> network.slowLinks(Duration.ofMillis(75), Duration.ofMillis(50));
            case LOSSY_LINKS -> network.lossyLinks(0.5);
            case MAJORITY_RING -> {
                return "majority ring " + network.majorityRing(random);
            }
            case BRIDGE -> {
                return "bridge through node " + network.bridge(random);
            }
            case SNAPSHOT_LEADER -> cluster.node(leader).snapshot().orTimeout(60, TimeUnit.SECONDS).join();
            case FULL_RESTART -> {
                for (int i = 0; i < cluster.size(); i++) {
                    cluster.crash(i);
                }
            }
        }
        return fault.name().toLowerCase().replace('_', ' ') + " (leader " + leader + ", other " + other + ")";
    }

    /** Polls {@code condition} every 20 ms for at most {@code limit}; true if it held. */
    private static boolean waitFor(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
