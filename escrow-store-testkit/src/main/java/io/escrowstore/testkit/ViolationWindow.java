package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The minimal failing window of a channel's non-linearizable history, for people to read.
 *
 * <p>The prefix of a history up to time T keeps the operations invoked by T; those still running
 * at T become open-ended (a read among them is dropped). If a history is linearizable, so is every
 * such prefix, so a binary search over completion times finds the earliest T whose prefix is not:
 * the operation completing at T is the first whose answer no order can explain.
 */
final class ViolationWindow {
    private static final int CONTEXT = 6;

    private final ChannelId channel;
    private final int total;
    private final int prefixSize;
    private final History.Operation culprit;
    private final List<History.Operation> window;
    private final Optional<ChannelModel.State> before;

    private ViolationWindow(ChannelId channel, int total, int prefixSize, History.Operation culprit,
            List<History.Operation> window, Optional<ChannelModel.State> before) {
        this.channel = channel;
        this.total = total;
        this.prefixSize = prefixSize;
        this.culprit = culprit;
        this.window = window;
        this.before = before;
    }

    /** Finds the window of {@code ops} (one channel, known not linearizable), within a budget per search. */
    static ViolationWindow find(ChannelId channel, List<History.Operation> ops, ChannelModel model,
            ChannelModel.State initial, long maxSteps, Duration maxTime) {
        List<Long> cuts = new ArrayList<>(new TreeSet<>(ops.stream().filter(op -> !op.openEnded())
                .map(History.Operation::completedNanos).toList()));
        int lo = 0;
        int hi = cuts.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            LinearizabilitySearch search = new LinearizabilitySearch(prefix(ops, cuts.get(mid)), model, initial);
            if (search.run(new SearchBudget(maxSteps, maxTime)) == LinearizabilitySearch.Result.LINEARIZABLE) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long cut = cuts.get(lo);
        List<History.Operation> failing = prefix(ops, cut);
        History.Operation culprit = failing.stream().filter(op -> !op.openEnded() && op.completedNanos() == cut)
                .findFirst().orElseThrow();
        Optional<ChannelModel.State> before = lo == 0 ? Optional.of(initial) : Optional.empty();
        if (lo > 0) {
            LinearizabilitySearch search = new LinearizabilitySearch(prefix(ops, cuts.get(lo - 1)), model, initial);
            if (search.run(new SearchBudget(maxSteps, maxTime)) == LinearizabilitySearch.Result.LINEARIZABLE) {
                before = Optional.of(search.finalState());
            }
        }
        return new ViolationWindow(channel, ops.size(), failing.size(), culprit, window(failing, culprit), before);
    }

    /** The operations invoked by {@code cut}; those still running then become open-ended, reads among them dropped. */
    static List<History.Operation> prefix(List<History.Operation> ops, long cut) {
        List<History.Operation> prefix = new ArrayList<>();
        for (History.Operation op : ops) {
            if (op.invokedNanos() > cut) {
                continue;
            }
            if (op.openEnded() || op.completedNanos() <= cut) {
                prefix.add(op);
            } else if (op.kind() != History.Kind.READ) {
                prefix.add(new History.Operation(op.id(), op.process(), op.node(), op.kind(), op.channel(),
                        op.requestId(), op.claim(), op.chain(), History.Outcome.PENDING, Optional.empty(),
                        Optional.empty(), Optional.empty(), op.invokedNanos(), Long.MAX_VALUE));
            }
        }
        return prefix;
    }

    private static List<History.Operation> window(List<History.Operation> failing, History.Operation culprit) {
        List<History.Operation> shown = new ArrayList<>();
        List<History.Operation> earlier = new ArrayList<>();
        for (History.Operation op : failing) {
            boolean concurrent = op.invokedNanos() <= culprit.completedNanos()
                    && op.completedNanos() >= culprit.invokedNanos();
            if (concurrent && !op.openEnded()) {
                shown.add(op);
            } else if (op.openEnded() || op.completedNanos() < culprit.invokedNanos()) {
                earlier.add(op);
            }
        }
        earlier.sort(Comparator.comparingLong(History.Operation::invokedNanos));
        shown.addAll(earlier.subList(Math.max(0, earlier.size() - CONTEXT), earlier.size()));
        shown.sort(Comparator.comparingLong(History.Operation::invokedNanos));
        return shown;
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        out.append("channel ").append(channel.value()).append(": not linearizable. The first ").append(prefixSize)
                .append(" of its ").append(total).append(" operations already are not; no order explains the answer of #")
                .append(culprit.id()).append(".\n");
        out.append("  before it, a valid order ends in: ")
                .append(before.map(ChannelModel.State::toString).orElse("(nothing before it)")).append('\n');
        long origin = window.stream().mapToLong(History.Operation::invokedNanos).min().orElse(0);
        out.append("  window (ms from the first invocation shown; '…' = no answer, may take effect any time later):\n");
        for (History.Operation op : window) {
            out.append(op == culprit ? "  >> " : "     ").append(String.format("[%9.3f .. %9s] ",
                    millis(op.invokedNanos() - origin),
                    op.openEnded() ? "…" : String.format("%.3f", millis(op.completedNanos() - origin))))
                    .append(op.describe()).append('\n');
        }
        return out.toString();
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
