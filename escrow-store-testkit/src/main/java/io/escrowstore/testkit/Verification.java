package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.raft.StateDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The end-of-test check of a cluster run: heal every link, restart every stopped node, wait for
 * a leader and for all replicas to converge (equal state digests), read every channel of the
 * history linearizably on every node (recorded in the history, so the final states must fit it
 * too), then run the exact invariants ({@link HistoryChecker}) on the history and every replica's
 * final state, and the full {@link LinearizabilityChecker}.
 *
 * <pre>{@code
 * Verification.Report report = Verification.afterHealing(cluster, history, initialStates);
 * assertThat(report.ok()).as(report.describe()).isTrue();
 * }</pre>
 */
public final class Verification {
    private Verification() {
    }

    /**
     * The verdicts of one verification.
     *
     * @param exact the exact invariants
     * @param linearizability the full check
     * @param digest the state every replica converged to
     * @param checkMillis time spent in the two checkers
     */
    public record Report(HistoryChecker.Verdict exact, LinearizabilityChecker.Result linearizability,
            StateDigest digest, long checkMillis) {
        /** True if both checkers passed. */
        public boolean ok() {
            return exact.ok() && linearizability.ok();
        }

        /** The verdicts and every violation, readable. */
        public String describe() {
            StringBuilder out = new StringBuilder();
            out.append("exact invariants: ").append(exact.ok() ? "OK" : "VIOLATED").append(" (double accepts ")
                    .append(exact.doubleAccepted()).append(", lost acks ").append(exact.lostAcknowledged())
                    .append(", unexplained amounts ").append(exact.unexplainedAmounts()).append(", out of order ")
                    .append(exact.outOfOrder()).append(", divergent replicas ").append(exact.divergentReplicas())
                    .append(")\n");
            exact.violations().stream().limit(20).forEach(v -> out.append("  ").append(v).append('\n'));
            out.append("linearizability: ").append(linearizability.report()).append('\n');
            out.append("converged to ").append(digest);
            return out.toString();
        }
    }

    /** {@link #afterHealing(EscrowCluster, History, Map, LinearizabilityChecker)} with the default checker budget. */
    public static Report afterHealing(EscrowCluster cluster, History history, Map<ChannelId, ChannelState> initial) {
        return afterHealing(cluster, history, initial, LinearizabilityChecker.forGroup(cluster.groupId()));
    }

    /**
     * Heals, restarts, converges and checks. Call it after the load stopped (every call in the
     * history completed).
     *
     * @param initial states of channels opened before the history began (others must be opened in it)
     * @throws AssertionError if the cluster does not elect a leader or converge within its await timeout
     */
    public static Report afterHealing(EscrowCluster cluster, History history, Map<ChannelId, ChannelState> initial,
            LinearizabilityChecker checker) {
        cluster.network().heal();
        cluster.restartAll();
        cluster.awaitLeader();
        StateDigest digest = cluster.awaitConvergence();
        Set<ChannelId> channels = new TreeSet<>(initial.keySet());
        history.operations().forEach(op -> channels.add(op.channel()));
        List<Map<ChannelId, ChannelState>> finals = new ArrayList<>();
        for (int node : cluster.running()) {
            finals.add(cluster.localChannels(node, channels));
            for (ChannelId channel : channels) {
                History.Invocation read = history.invokeRead("verifier", node, channel);
                read.read(cluster.node(node).channel(channel));
            }
        }
        long started = System.nanoTime();
        HistoryChecker.Verdict exact = HistoryChecker.check(history, finals, cluster.digests(), initial);
        LinearizabilityChecker.Result linearizable = checker.check(history, initial);
        return new Report(exact, linearizable, digest, (System.nanoTime() - started) / 1_000_000);
    }
}
