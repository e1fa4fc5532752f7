package io.escrowstore.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing &amp; Gong's search for a linearization of one channel's operations, with Lowe's
 * memoization of (set of linearized operations, model state) as in Porcupine.
 *
 * <p>Operations are call/return events in one time-ordered list. The search repeatedly takes the
 * first call it can linearize (its recorded answer is possible in the current state and the pair
 * (linearized set, state) is new), removes it with its return, and starts over; meeting a return
 * whose call is still in the list means that operation cannot be placed, so it backtracks.
 *
 * <p>Open-ended operations (indeterminate or pending) have no return event: they may take effect
 * at any point after their invocation, or never. Placing one where it changes nothing is the same
 * as it never taking effect, so the search only places them where they change the state, and
 * succeeds once every operation with a known answer is placed.
 */
final class LinearizabilitySearch {
    /** The search's answer. */
    enum Result { LINEARIZABLE, NOT_LINEARIZABLE, BUDGET_EXCEEDED }

    private final List<History.Operation> ops;
    private final ChannelModel model;
    private final ChannelModel.State initial;
    private ChannelModel.State finalState;

    LinearizabilitySearch(List<History.Operation> ops, ChannelModel model, ChannelModel.State initial) {
        this.ops = List.copyOf(ops);
        this.model = model;
        this.initial = initial;
    }

    /** The model state a found linearization ends in (after {@link Result#LINEARIZABLE}). */
    ChannelModel.State finalState() {
        return finalState;
    }

    Result run(SearchBudget budget) {
        Entry head = events();
        int mandatory = (int) ops.stream().filter(op -> !op.openEnded()).count();
        ChannelModel.State state = initial;
        BitSet linearized = new BitSet(ops.size());
        Set<Key> seen = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        Entry entry = head.next;
        while (true) {
            if (mandatory == 0) {
                finalState = state;
                return Result.LINEARIZABLE;
            }
            if (!budget.step()) {
                return Result.BUDGET_EXCEEDED;
            }
            if (entry != null && entry.call) {
                History.Operation op = ops.get(entry.op);
                ChannelModel.State next = model.step(state, op);
                boolean useful = next != null && !(op.openEnded() && next.equals(state));
                if (useful) {
                    linearized.set(entry.op);
                    if (seen.add(new Key((BitSet) linearized.clone(), next))) {
                        stack.push(new Frame(entry, state));
                        state = next;
                        entry.lift();
                        if (!op.openEnded()) {
                            mandatory--;
                        }
                        entry = head.next;
                        continue;
                    }
                    linearized.clear(entry.op);
                }
                entry = entry.next;
                continue;
            }
            // a return (or the end) with an unplaced call before it: undo the last placement
            if (stack.isEmpty()) {
                return Result.NOT_LINEARIZABLE;
            }
            Frame frame = stack.pop();
            state = frame.state;
            linearized.clear(frame.entry.op);
            frame.entry.unlift();
            if (!ops.get(frame.entry.op).openEnded()) {
                mandatory++;
            }
            entry = frame.entry.next;
        }
    }

    /** The doubly linked event list, time-ordered, behind a sentinel head; open-ended ops have no return. */
    private Entry events() {
        List<Entry> events = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            History.Operation op = ops.get(i);
            Entry call = new Entry(i, true, op.invokedNanos());
            events.add(call);
            if (!op.openEnded()) {
                Entry ret = new Entry(i, false, op.completedNanos());
                call.match = ret;
                events.add(ret);
            }
        }
        // at equal times calls go first, so touching operations count as concurrent (the lenient reading)
        events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call).thenComparingInt(e -> e.op));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry previous = head;
        for (Entry e : events) {
            previous.next = e;
            e.prev = previous;
            previous = e;
        }
        return head;
    }

    /** One call or return event in the list. */
    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }

        /** Removes this call and its return from the list. */
        void lift() {
            unlink(this);
            if (match != null) {
                unlink(match);
            }
        }

        /** Puts this call and its return back where they were (in reverse order of removal). */
        void unlift() {
            if (match != null) {
                relink(match);
            }
            relink(this);
        }

        private static void unlink(Entry e) {
            e.prev.next = e.next;
            if (e.next != null) {
                e.next.prev = e.prev;
            }
        }

        private static void relink(Entry e) {
            e.prev.next = e;
            if (e.next != null) {
                e.next.prev = e;
            }
        }
    }

    private record Frame(Entry entry, ChannelModel.State state) {
    }

    private record Key(BitSet linearized, ChannelModel.State state) {
    }
}
