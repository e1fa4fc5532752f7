package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimResult;
import io.escrowstore.RequestId;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.StateDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The end-of-test check of a cluster run: heal every link, restart every stopped node, wait for
 * a leader and for all replicas to converge (equal state digests), read every channel of the
 * history linearizably on every node (recorded in the history, so the final states must fit it
 * too), ask every node for the recorded outcome of every claim answered "not applied", then run
 * the exact invariants ({@link HistoryChecker}) on the history, every replica's final state and
 * those outcomes, and the full {@link LinearizabilityChecker}.
 *
 * <pre>{@code
 * Verification.Report report = Verification.afterHealing(cluster, history, initialStates);
 * assertThat(report.ok()).as(report.describe()).isTrue();
 * }</pre>
 */
public final class Verification {
    /** Outcome reads in flight at once per node while collecting the recorded outcomes. */
    private static final int OUTCOME_READS_AT_ONCE = 64;

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
                    .append(", not applied but took effect ").append(exact.notAppliedTookEffect()).append(")\n");
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
        List<Map<RequestId, ClaimResult>> outcomes = new ArrayList<>();
        List<RequestId> notApplied = HistoryChecker.notAppliedRequests(history);
        for (int node : cluster.running()) {
            finals.add(cluster.localChannels(node, channels));
            outcomes.add(recordedOutcomes(cluster.node(node), notApplied));
            for (ChannelId channel : channels) {
                History.Invocation read = history.invokeRead("verifier", node, channel);
                read.read(cluster.node(node).channel(channel));
            }
        }
        long started = System.nanoTime();
        HistoryChecker.Verdict exact = HistoryChecker.check(history, finals, cluster.digests(), initial, outcomes);
        LinearizabilityChecker.Result linearizable = checker.check(history, initial);
        return new Report(exact, linearizable, digest, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The outcomes {@code store} recorded for {@code requestIds} (linearizable reads, a window at
     * a time), keeping only the ids it has one for.
     *
     * @throws java.util.concurrent.CompletionException if a read fails (the cluster converged just before)
     */
    private static Map<RequestId, ClaimResult> recordedOutcomes(RaftPaymentStore store, List<RequestId> requestIds) {
        Map<RequestId, ClaimResult> recorded = new HashMap<>();
        for (int from = 0; from < requestIds.size(); from += OUTCOME_READS_AT_ONCE) {
            List<RequestId> window =
                    requestIds.subList(from, Math.min(requestIds.size(), from + OUTCOME_READS_AT_ONCE));
            List<CompletableFuture<Optional<ClaimResult>>> reads = window.stream().map(store::claimOutcomeAsync)
                    .toList();
            for (int i = 0; i < window.size(); i++) {
                RequestId id = window.get(i);
                reads.get(i).join().ifPresent(outcome -> recorded.put(id, outcome));
            }
        }
        return recorded;
    }
}
