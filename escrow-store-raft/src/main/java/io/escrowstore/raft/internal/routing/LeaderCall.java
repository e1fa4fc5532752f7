package io.escrowstore.raft.internal.routing;

import io.escrowstore.Member;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.support.Backoff;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * One caller request retried on whichever node leads until it is answered or its deadline passes
 * ({@link LeaderCalls} runs the loop). Holds the one atomic state that decides what the caller may
 * be told:
 *
 * <pre>
 *   IDLE --begin()--> IN_FLIGHT --refused()/lost()--> IDLE        (and so on, while retrying)
 *   IDLE or IN_FLIGHT --answer()/fail()/expire()/close()--> DONE  (exactly once)
 * </pre>
 *
 * An attempt may be handed to the engine or to a leader only after {@link #begin()} moved the call
 * to IN_FLIGHT, which it does only while the call is not done and its deadline has not passed. An
 * attempt that comes back refused without being proposed ({@link #refused}) returns the call to
 * IDLE as it was; one whose fate is unknown ({@link #lost}) returns it to IDLE marked as possibly
 * applied, for good. So at the moment the call becomes DONE through {@link #expire} or
 * {@link #close}, it is known whether any attempt may have taken effect: only a call made done from
 * IDLE and never marked may be answered "not applied"; any other gets {@link #ending}'s
 * indeterminate answer.
 *
 * @param <T> the caller's result
 */
public abstract class LeaderCall<T> {
    private static final int IDLE = 0;
    private static final int IN_FLIGHT = 1;
    private static final int DONE = 2;
    private static final int PHASE = 3;
    /** Set once an attempt may have taken effect without its outcome coming back. */
    private static final int MAY_HAVE_APPLIED = 4;

    /** Why a call ended without an answer from a leader. */
    public enum End {
        /** Its deadline passed. */
        DEADLINE,
        /** The store node closed (or its scheduler refused work because it is shutting down). */
        CLOSED
    }

    /** What the caller is told: a value, or a failure. */
    public record Ending<T>(T value, RuntimeException failure) {
        public static <T> Ending<T> answer(T value) {
            return new Ending<>(value, null);
        }

        public static <T> Ending<T> failure(RuntimeException failure) {
            return new Ending<>(null, failure);
        }
    }

    public final CompletableFuture<T> result = new CompletableFuture<>();
    public final Deadline deadline;
    final Backoff backoff = new Backoff();
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final LeaderCalls loop;
    /** Why the last attempt did not end the call, for the answer at the deadline. */
    protected volatile String lastReason = "no attempt finished";
    /** A leader named by the last refusal, tried first by the next attempt. */
    private volatile Member hint;

    public LeaderCall(LeaderCalls loop, Deadline deadline) {
        this.loop = loop;
        this.deadline = deadline;
    }

    /**
     * Makes one attempt: calls {@link #begin()} before handing anything to the engine or a leader,
     * and gives up at once if it returns false; ends with one of {@link #refused}, {@link #lost},
     * {@link #answer}, {@link #fail}, or {@link #retryLater} when it handed nothing over.
     */
    protected abstract void attempt();

    /**
     * The caller's answer when the call ends for {@code end} without a leader's answer.
     *
     * @param mayHaveApplied true if an attempt was in flight or was lost: the answer must then not
     *     say "not applied"
     */
    protected abstract Ending<T> ending(End end, boolean mayHaveApplied);

    /**
     * Moves the call from IDLE to IN_FLIGHT.
     *
     * @return false, and nothing changes, if the call is done, an attempt is in flight, or the
     *     deadline has passed (the expiry then answers the call)
     */
    protected final boolean begin() {
        if (deadline.expired()) {
            return false;
        }
        while (true) {
            int current = state.get();
            if ((current & PHASE) != IDLE) {
                return false;
            }
            if (state.compareAndSet(current, (current & ~PHASE) | IN_FLIGHT)) {
                return true;
            }
        }
    }

    /** True once the call has been answered (or is being answered). */
    protected final boolean isDone() {
        return (state.get() & PHASE) == DONE;
    }

    /** The attempt in flight was refused without being proposed: back to IDLE as before, and retry. */
    protected final void refused(String why) {
        lastReason = why;
        if (settle(0)) {
            retryLater();
        }
    }

    /** The attempt in flight may have taken effect and its outcome is unknown: back to IDLE, marked, and retry. */
    protected final void lost(String why) {
        lastReason = why;
        if (settle(MAY_HAVE_APPLIED)) {
            retryLater();
        }
    }

    /** Remembers the leader a refusal named (if any), for the next attempt to try first. */
    protected final void hintLeader(Optional<Member> leader) {
        hint = leader.orElse(null);
    }

    /**
     * The member the next attempt goes to: the last refusal's hint, else {@code known}, never
     * {@code self}. Empty, with a retry scheduled, when there is none.
     */
    protected final Optional<Member> leaderToTry(Supplier<Optional<Member>> known, Member self) {
        Member hinted = hint;
        hint = null;
        Optional<Member> leader = Optional.ofNullable(hinted).or(known).filter(m -> !m.equals(self));
        if (leader.isEmpty()) {
            lastReason = "no leader known to " + self;
            retryLater();
        }
        return leader;
    }

    /** Schedules the next attempt after the backoff, unless the deadline comes first. */
    protected final void retryLater() {
        if (!isDone() && !backoff.retry(deadline, loop.scheduler(), loop.executor(), this::attempt)) {
            end(End.CLOSED);
        }
    }

    /**
     * Ends the call with a leader's answer, completing the future on this thread: answers arrive on
     * the store's executor (or, for an answer given before any attempt, on the caller's thread), so
     * no extra hand-off is spent on the common path.
     */
    public final void answer(T value) {
        if (markDone() >= 0) {
            result.complete(value);
        }
    }

    /** Ends the call with a definite failure a leader answered (never one of "not applied" or "unknown"). */
    protected final void fail(RuntimeException failure) {
        if (markDone() >= 0) {
            complete(Ending.failure(failure));
        }
    }

    /** Ends a call still running at its deadline. */
    final void expire() {
        end(End.DEADLINE);
    }

    /** Ends a call still running when the store node closes. */
    final void close() {
        end(End.CLOSED);
    }

    /** Marks the call done after its future was completed from outside (the caller cancelled it). */
    final void abandoned() {
        state.set(DONE);
    }

    private boolean settle(int mark) {
        while (true) {
            int current = state.get();
            if ((current & PHASE) != IN_FLIGHT) {
                return false;
            }
            if (state.compareAndSet(current, (current & ~PHASE) | IDLE | mark)) {
                return true;
            }
        }
    }

    private void end(End end) {
        int before = markDone();
        if (before >= 0) {
            boolean mayHaveApplied = (before & PHASE) == IN_FLIGHT || (before & MAY_HAVE_APPLIED) != 0;
            complete(ending(end, mayHaveApplied));
        }
    }



    /** Moves the call to DONE. @return the state it left, or -1 if it was done already */
    private int markDone() {
        while (true) {
            int current = state.get();
            if ((current & PHASE) == DONE) {
                return -1;
            }
            if (state.compareAndSet(current, DONE)) {
                return current;
            }
        }
    }

    /** Completes the future on the store's executor (here if it is gone), never on a Raft or timer thread. */
    private void complete(Ending<T> ending) {
        Handoff.run(loop.executor(), ending.failure() == null ? () -> result.complete(ending.value())
                : () -> result.completeExceptionally(ending.failure()));
    }
}
