package io.escrowstore.testkit;

import com.alipay.sofa.jraft.util.Endpoint;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * The directed link rules among the nodes of one cluster, and the fate of each message sent over
 * a link. Rules are replaced as a whole (copy on write), so a message sees either the old or the
 * new table. Delayed messages on one link keep their sending order (each is delivered no earlier
 * than the one before it), as on a TCP connection.
 */
final class LinkTable {
    private final List<Endpoint> endpoints;
    private final Random random;
    private final long[][] lastDelivery;
    private volatile LinkRule[][] rules;

    final LongAdder attributed = new LongAdder();
    final LongAdder unattributed = new LongAdder();
    final LongAdder misattributed = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder delayed = new LongAdder();

    /** What happens to one message: lost, or delivered now, or delivered at {@code atNanos}. */
    record Fate(boolean lost, boolean immediate, long atNanos) {
        static final Fate LOST = new Fate(true, false, 0);
        static final Fate NOW = new Fate(false, true, 0);
    }

    LinkTable(List<Endpoint> endpoints, long seed) {
        this.endpoints = List.copyOf(endpoints);
        this.random = new Random(seed);
        int n = endpoints.size();
        this.lastDelivery = new long[n][n];
        this.rules = fill(n, (from, to) -> LinkRule.CLEAN);
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    int size() {
        return endpoints.size();
    }

    /** The node index of {@code endpoint}, or -1. */
    int indexOf(Endpoint endpoint) {
        return endpoints.indexOf(endpoint);
    }

    LinkRule rule(int from, int to) {
        return rules[from][to];
    }

    /** Replaces every rule by {@code rule(from, to, current)}. */
    synchronized void update(RuleUpdate update) {
        LinkRule[][] current = rules;
        rules = fill(endpoints.size(), (from, to) -> from.equals(to) ? LinkRule.CLEAN
                : update.rule(from, to, current[from][to]));
    }

    /** The fate of one message sent now from node {@code from} to node {@code to}. */
    Fate send(int from, int to) {
        LinkRule rule = rules[from][to];
        long now = System.nanoTime();
        if (rule.cut() || (rule.lossRate() > 0 && random.nextDouble() < rule.lossRate())) {
            dropped.increment();
            return Fate.LOST;
        }
        long delayNanos = 0;
        if (rule.delayMaxMillis() > 0) {
            long millis = rule.delayMinMillis() + random.nextLong(rule.delayMaxMillis() - rule.delayMinMillis() + 1);
            delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        }
        synchronized (lastDelivery) {
            long previous = lastDelivery[from][to];
            boolean behindEarlier = previous != 0 && previous - now > 0;
            if (delayNanos == 0 && !behindEarlier) {
                return Fate.NOW;
            }
            long at = now + delayNanos;
            if (behindEarlier && previous - at >= 0) {
                at = previous + 1_000;
            }
            lastDelivery[from][to] = at;
            delayed.increment();
            return new Fate(false, false, at);
        }
    }

    private static LinkRule[][] fill(int n, BiFunction<Integer, Integer, LinkRule> rule) {
        LinkRule[][] table = new LinkRule[n][n];
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                table[from][to] = rule.apply(from, to);
            }
        }
        return table;
    }

    /** A new rule for one link, given its current rule. */
    @FunctionalInterface
    interface RuleUpdate {
        LinkRule rule(int from, int to, LinkRule current);
    }
}
