package io.escrowstore.raft.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.ManualClock;
import io.escrowstore.raft.internal.support.ManualExecutor;

/** The state rules of one routed call, on a manual clock and executor. */
class LeaderCallTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private final ManualClock clock = new ManualClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final LeaderCalls loop = new LeaderCalls(clock, executor, clock);

    /** A call whose attempts only count themselves, and whose endings name what they were told. */
    private final class Probe extends LeaderCall<String> {
        final AtomicInteger begun = new AtomicInteger();
        boolean leaderKnown;

        Probe() {
            super(loop, Deadline.after(clock, TIMEOUT));
        }

        @Override
        protected void attempt() {
            if (!leaderKnown) {
                retryLater();
            } else if (begin()) {
                begun.incrementAndGet();
            }
        }

        @Override
        protected Ending<String> ending(End end, boolean mayHaveApplied) {
            return Ending.answer((mayHaveApplied ? "unknown" : "not applied") + " at " + end);
        }
    }

    private Probe started() {
        Probe call = new Probe();
        loop.start(call);
        return call;
    }

    @Test
    void anAttemptMayNotBeginOnceTheDeadlineHasPassedEvenBeforeTheExpiryRan() {
        Probe call = new Probe();

        assertThat(call.begin()).isTrue();
        call.refused("not the leader");
        clock.advanceWithoutRunningTasks(TIMEOUT);

        assertThat(call.begin()).isFalse();
    }

    @Test
    void aSecondAttemptMayNotBeginWhileOneIsInFlight() {
        Probe call = new Probe();

        assertThat(call.begin()).isTrue();

        assertThat(call.begin()).isFalse();
    }

    @Test
    void onlyACallEndedFromIdleWithNoLostAttemptIsAnsweredNotApplied() {
        Probe neverBegun = new Probe();
        Probe refusedOnly = new Probe();
        refusedOnly.begin();
        refusedOnly.refused("busy");
        Probe lostThenRefused = new Probe();
        lostThenRefused.begin();
        lostThenRefused.lost("connection reset after sending");
        lostThenRefused.begin();
        lostThenRefused.refused("not the leader");
        Probe inFlight = new Probe();
        inFlight.begin();

        for (Probe call : new Probe[] {neverBegun, refusedOnly, lostThenRefused, inFlight}) {
            call.expire();
        }
        executor.runAll();

        assertThat(neverBegun.result).isCompletedWithValue("not applied at DEADLINE");
        assertThat(refusedOnly.result).isCompletedWithValue("not applied at DEADLINE");
        assertThat(lostThenRefused.result).isCompletedWithValue("unknown at DEADLINE");
        assertThat(inFlight.result).isCompletedWithValue("unknown at DEADLINE");
    }

    @Test
    void aCallEndsOnceAndLaterAnswersAreIgnored() {
        Probe call = started();
        call.leaderKnown = true;
        clock.advance(Duration.ofMillis(2));
        executor.runAll();

        loop.close();
        call.answer("applied");
        call.expire();
        executor.runAll();

        assertThat(call.result).isCompletedWithValue("unknown at CLOSED");
        assertThat(call.begin()).isFalse();
    }

    @Test
    void aCallStartedOnAClosedLoopEndsAsClosedWithoutAnAttempt() {
        loop.close();

        Probe call = new Probe();
        call.leaderKnown = true;
        loop.start(call);
        executor.runAll();

        assertThat(call.result).isCompletedWithValue("not applied at CLOSED");
        assertThat(call.begun).hasValue(0);
    }
}
