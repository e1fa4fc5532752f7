package io.escrowstore.testkit;

import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The links between the nodes of one {@link EscrowCluster}, with faults you switch on and off:
 * cut, one-way cut, loss and delay per directed link (sender → receiver). Obtain it from
 * {@link EscrowCluster#network()}; all links start healthy.
 *
 * <p>A call from node A to node B sends its request over A → B and its answer over B → A, so a
 * one-way cut A → B loses A's requests to B and A's answers to B's requests, while B's requests
 * still reach A (and are processed there). Every Raft message and every forwarded command is some node's request or answer,
 * so filtering in the RPC clients covers all traffic (the RPC servers are not wrapped).
 *
 * <p>Guarantees: a lost request or answer completes the sender's callback with an error at the
 * call's deadline and never hangs it; a delay never blocks the sender's thread; delayed messages on
 * one link keep their order; changes apply to messages sent after the call returns. Node indexes
 * are those of the cluster.
 *
 * <p><b>Warning:</b> works only while {@link FaultInjectingRpcFactory} is jraft's RPC factory, which
 * the testkit's {@code META-INF/services} entry arranges; every fault method checks it and throws
 * {@link IllegalStateException} otherwise. Keep the testkit a {@code test}-scoped dependency.
 */
public final class Network {
    private final LinkTable table;
    private final LongAdder faults = new LongAdder();

    Network(List<Endpoint> endpoints, long seed) {
        this.table = new LinkTable(endpoints, seed);
    }

    LinkTable table() {
        return table;
    }

    /** Number of nodes. */
    public int size() {
        return table.size();
    }

    /** Cuts every link to and from {@code node} (both directions). Other links keep their rules. */
    public void isolate(int node) {
        check(node);
        fault(update((from, to, rule) -> from == node || to == node ? LinkRule.CUT : rule));
    }

    /**
     * Cuts every link of {@code node} as {@link #isolate} does; the returned action puts back the
     * rules those links had just before, leaving every other link as it is then. Used by
     * {@link EscrowCluster#crash}.
     */
    Runnable isolateUntilRestored(int node) {
        check(node);
        LinkRule[][] before = new LinkRule[size()][size()];
        for (int from = 0; from < size(); from++) {
            for (int to = 0; to < size(); to++) {
                before[from][to] = table.rule(from, to);
            }
        }
        isolate(node);
        return () -> update((from, to, rule) -> from == node || to == node ? before[from][to] : rule);
    }

    /** Cuts every link between {@code side} and the other nodes, both directions. */
    public void split(Collection<Integer> side) {
        Set<Integer> a = nodes(side);
        fault(update((from, to, rule) -> a.contains(from) != a.contains(to) ? LinkRule.CUT : rule));
    }

    /**
     * Splits the cluster into two random halves (the smaller has {@code size / 2} nodes) with
     * {@link #split}; returns the smaller half.
     */
    public Set<Integer> splitHalves(Random random) {
        List<Integer> order = shuffled(random);
        Set<Integer> minority = new TreeSet<>(order.subList(0, size() / 2));
        split(minority);
        return minority;
    }

    /**
     * Five nodes in a random ring, each linked only to its two neighbours: every node sees a
     * majority (itself and two others), but no two nodes see the same majority.
     *
     * @return the ring order
     * @throws IllegalStateException unless the cluster has 5 nodes
     */
    public List<Integer> majorityRing(Random random) {
        requireFive("majority ring");
        List<Integer> ring = shuffled(random);
        int[] position = new int[size()];
        for (int i = 0; i < ring.size(); i++) {
            position[ring.get(i)] = i;
        }
        fault(update((from, to, rule) -> {
            int distance = Math.abs(position[from] - position[to]);
            return Math.min(distance, size() - distance) <= 1 ? rule : LinkRule.CUT;
        }));
        return ring;
    }

    /**
     * Five nodes split into two pairs that cannot reach each other, and one bridge node that
     * reaches both pairs.
     *
     * @return the bridge node
     * @throws IllegalStateException unless the cluster has 5 nodes
     */
    public int bridge(Random random) {
        requireFive("bridge");
        List<Integer> order = shuffled(random);
        int bridge = order.get(0);
        Set<Integer> left = Set.of(order.get(1), order.get(2));
        fault(update((from, to, rule) -> from == bridge || to == bridge || left.contains(from) == left.contains(to)
                ? rule : LinkRule.CUT));
        return bridge;
    }

    /** Cuts the one link {@code from → to}: {@code to} still reaches {@code from}. */
    public void cut(int from, int to) {
        check(from);
        check(to);
        if (from == to) {
            throw new IllegalArgumentException("a node has no link to itself: " + from);
        }
        fault(update((f, t, rule) -> f == from && t == to ? LinkRule.CUT : rule));
    }

    /**
     * Delays every message on every link by {@code mean ± jitter}, uniformly (e.g. 75 ± 50 ms:
     * 25..125 ms). Cuts and loss stay.
     */
    public void slowLinks(Duration mean, Duration jitter) {
        long min = mean.minus(jitter).toMillis();
        long max = mean.plus(jitter).toMillis();
        if (min < 0 || jitter.isNegative()) {
            throw new IllegalArgumentException("need 0 <= jitter <= mean but was " + mean + " ± " + jitter);
        }
        fault(update((from, to, rule) -> rule.withDelay(min, max)));
    }

    /** Loses each message on every link with probability {@code rate} (0..1). Cuts and delays stay. */
    public void lossyLinks(double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be 0..1 but was " + rate);
        }
        fault(update((from, to, rule) -> rule.withLoss(rate)));
    }

    /** Makes every link of {@code node} healthy again, both directions; other links keep their rules. */
    public void rejoin(int node) {
        check(node);
        update((from, to, rule) -> from == node || to == node ? LinkRule.CLEAN : rule);
    }

    /** Makes every link healthy. Idempotent. */
    public void heal() {
        table.update((from, to, rule) -> LinkRule.CLEAN);
    }

    /** True if every link is healthy. */
    public boolean healthy() {
        for (int from = 0; from < size(); from++) {
            for (int to = 0; to < size(); to++) {
                if (from != to && !table.rule(from, to).clean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Fault-introducing calls so far (isolate, split, ring, bridge, cut, slow, lossy). */
    public long faultsInjected() {
        return faults.sum();
    }

    /** Messages lost to cuts or loss so far. */
    public long messagesLost() {
        return table.dropped.sum();
    }

    /** Messages delivered late so far. */
    public long messagesDelayed() {
        return table.delayed.sum();
    }

    /** Calls between this cluster's nodes whose sender was known (and so went through the link table). */
    public long callsAttributed() {
        return table.attributed.sum();
    }

    /**
     * Calls to this cluster's nodes whose sender was unknown: they bypassed the link table. Zero
     * unless an RPC client was created outside {@link EscrowCluster}'s node start-up and sent a
     * message that does not name its sender.
     */
    public long callsUnattributed() {
        return table.unattributed.sum();
    }

    /** Calls whose client owner differed from the sender the request names (expected: zero). */
    public long callsMisattributed() {
        return table.misattributed.sum();
    }

    /** The links that are not healthy, e.g. {@code "0→1 cut, 1→0 cut, 0→2 lossy 50%"}; "healthy" if none. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int from = 0; from < size(); from++) {
            for (int to = 0; to < size(); to++) {
                LinkRule rule = table.rule(from, to);
                if (from != to && !rule.clean()) {
                    parts.add(from + "→" + to + " " + describe(rule));
                }
            }
        }
        return parts.isEmpty() ? "healthy" : String.join(", ", parts);
    }

    private static String describe(LinkRule rule) {
        if (rule.cut()) {
            return "cut";
        }
        List<String> parts = new ArrayList<>();
        if (rule.lossRate() > 0) {
            parts.add("lossy " + Math.round(rule.lossRate() * 100) + "%");
        }
        if (rule.delayMaxMillis() > 0) {
            parts.add("slow " + rule.delayMinMillis() + ".." + rule.delayMaxMillis() + " ms");
        }
        return String.join(" ", parts);
    }

    private boolean update(LinkTable.RuleUpdate update) {
        requireInstalled();
        table.update(update);
        return true;
    }

    private void fault(boolean applied) {
        if (applied) {
            faults.increment();
        }
    }

    private void check(int node) {
        if (node < 0 || node >= size()) {
            throw new IllegalArgumentException("node must be 0.." + (size() - 1) + " but was " + node);
        }
    }

    private Set<Integer> nodes(Collection<Integer> side) {
        side.forEach(this::check);
        if (side.isEmpty() || side.size() >= size()) {
            throw new IllegalArgumentException("a side must hold 1.." + (size() - 1) + " nodes but was " + side);
        }
        return Set.copyOf(side);
    }

    private List<Integer> shuffled(Random random) {
        List<Integer> order = IntStream.range(0, size()).boxed().collect(Collectors.toCollection(ArrayList::new));
        Collections.shuffle(order, random);
        return order;
    }

    private void requireFive(String what) {
        if (size() != 5) {
            throw new IllegalStateException(what + " needs 5 nodes but the cluster has " + size());
        }
    }

    private static void requireInstalled() {
        if (!(RpcFactoryHelper.rpcFactory() instanceof FaultInjectingRpcFactory)) {
            throw new IllegalStateException("jraft uses " + RpcFactoryHelper.rpcFactory().getClass().getName()
                    + ", not the testkit's FaultInjectingRpcFactory: another RaftRpcFactory with a higher @SPI "
                    + "priority is on the classpath, so links cannot be cut");
        }
    }
}
