package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.GroupId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Full linearizability check of a {@link History} against the sequential specification of a
 * channel (docs/rules.md: claim, merge with chain state, linearizable read), one channel at a time
 * (P-compositionality: an operation touches one channel, so the history is linearizable iff each
 * channel's sub-history is).
 *
 * <ul>
 *   <li>Every operation must take effect at one instant between its invocation and its completion,
 *       in an order where each answer (accepted/rejected with reason and state, read value) is
 *       what the specification gives.</li>
 *   <li>Indeterminate and pending operations may take effect at any instant after their
 *       invocation, or never. Failed reads, and mutations that failed with an exception the store
 *       documents as "not applied", must have had no effect (they are left out).</li>
 *   <li>The search (Wing &amp; Gong / Lowe with memoization, as in Porcupine) has a budget of steps
 *       and time for the whole history. <b>Running out of budget is a failure verdict</b>
 *       ({@link Verdict#BUDGET_EXCEEDED}), never a pass.</li>
 *   <li>A violation is reported with its minimal failing window: the smallest prefix of the
 *       channel's history (by time) that is not linearizable, shown as the operation that cannot
 *       be placed, the operations concurrent with it and the ones just before it.</li>
 * </ul>
 *
 * A channel starts unknown to the store (its first operation then is the sync that opens it) or
 * in a given initial state. Reservations and settlements are not modelled.
 */
public final class LinearizabilityChecker {
    /** Default budget: 20 million search steps. */
    public static final long DEFAULT_MAX_STEPS = 20_000_000;
    /** Default budget: one minute. */
    public static final Duration DEFAULT_MAX_TIME = Duration.ofMinutes(1);

    /** The overall answer. */
    public enum Verdict {
        /** Every channel's history is linearizable. */
        LINEARIZABLE,
        /** Some channel's history is not linearizable. */
        NOT_LINEARIZABLE,
        /** The search ran out of steps or time before deciding: a failure. */
        BUDGET_EXCEEDED
    }

    /**
     * The result of a check.
     *
     * @param verdict the answer; only {@link Verdict#LINEARIZABLE} passes
     * @param channels channels checked
     * @param operations operations checked (failed, effect-free ones excluded)
     * @param steps search steps used
     * @param failures one readable report per failing channel (or the budget note)
     */
    public record Result(Verdict verdict, int channels, int operations, long steps, List<String> failures) {
        /** True only for {@link Verdict#LINEARIZABLE}. */
        public boolean ok() {
            return verdict == Verdict.LINEARIZABLE;
        }

        /** All failure reports, or a one-line summary if there are none. */
        public String report() {
            return failures.isEmpty() ? verdict + ": " + operations + " operations on " + channels + " channels, "
                    + steps + " search steps" : verdict + "\n" + String.join("\n", failures);
        }
    }

    private final ChannelModel model;
    private final long maxSteps;
    private final Duration maxTime;

    private LinearizabilityChecker(ChannelModel model, long maxSteps, Duration maxTime) {
        this.model = model;
        this.maxSteps = maxSteps;
        this.maxTime = maxTime;
    }

    /** A checker for a store serving {@code group} (chain views of other groups are rejected). */
    public static LinearizabilityChecker forGroup(GroupId group) {
        return new LinearizabilityChecker(new ChannelModel(Objects.requireNonNull(group, "group")), DEFAULT_MAX_STEPS,
                DEFAULT_MAX_TIME);
    }

    /** This checker with another budget for a whole check (and for diagnosing each violation). */
    public LinearizabilityChecker withBudget(long maxSteps, Duration maxTime) {
        if (maxSteps < 1 || maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("budget must be positive but was " + maxSteps + " steps, " + maxTime);
        }
        return new LinearizabilityChecker(model, maxSteps, maxTime);
    }

    /** Checks every channel of {@code history}, each starting unknown to the store (open it in the history). */
    public Result check(History history) {
        return check(history, Map.of());
    }

    /**
     * Checks every channel of {@code history}; a channel in {@code initial} starts in that state
     * (e.g. opened before the history began), any other starts unknown to the store.
     */
    public Result check(History history, Map<ChannelId, ChannelState> initial) {
        Map<ChannelId, List<History.Operation>> byChannel = new TreeMap<>();
        int count = 0;
        for (History.Operation op : history.operations()) {
            if (op.outcome() != History.Outcome.FAILED) {
                byChannel.computeIfAbsent(op.channel(), c -> new ArrayList<>()).add(op);
                count++;
            }
        }
        SearchBudget budget = new SearchBudget(maxSteps, maxTime);
        List<String> failures = new ArrayList<>();
        Verdict verdict = Verdict.LINEARIZABLE;
        for (Map.Entry<ChannelId, List<History.Operation>> channel : byChannel.entrySet()) {
            ChannelModel.State start = ChannelModel.State.of(Optional.ofNullable(initial.get(channel.getKey())));
            LinearizabilitySearch.Result result = new LinearizabilitySearch(channel.getValue(), model, start)
                    .run(budget);
            if (result == LinearizabilitySearch.Result.BUDGET_EXCEEDED) {
                failures.add("channel " + channel.getKey().value() + ": search budget exceeded (" + maxSteps
                        + " steps / " + maxTime.toMillis() + " ms for the whole history, " + budget.steps()
                        + " used); undecided counts as a failure");
                verdict = Verdict.BUDGET_EXCEEDED;
                break;
            }
            if (result == LinearizabilitySearch.Result.NOT_LINEARIZABLE) {
                failures.add(ViolationWindow.find(channel.getKey(), channel.getValue(), model, start, maxSteps, maxTime)
                        .describe());
                verdict = Verdict.NOT_LINEARIZABLE;
            }
        }
        return new Result(verdict, byChannel.size(), count, budget.steps(), List.copyOf(failures));
    }
}
