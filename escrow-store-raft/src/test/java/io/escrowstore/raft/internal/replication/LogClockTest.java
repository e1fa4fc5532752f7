package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.support.ManualTimeSource;

/** Log time advances by the time that really passed on the leader, whatever its wall clock says. */
class LogClockTest {
    private static final long T0 = 1_700_000_000_000L;

    static Stream<Duration> skews() {
        return Stream.of(Duration.ofMinutes(11), Duration.ofMinutes(-11), Duration.ofDays(4 * 365),
                Duration.ofDays(-3 * 365));
    }

    @ParameterizedTest
    @MethodSource("skews")
    void newLeaderWithASkewedClockContinuesFromTheLastLogTimeAtTheRealRate(Duration skew) {
        ManualTimeSource oldLeaderTime = new ManualTimeSource(T0);
        LogClock oldLeader = new LogClock(oldLeaderTime, "old");
        oldLeader.leading(1);
        long lastStamp = oldLeader.stamp(1);
        ManualTimeSource newLeaderTime = new ManualTimeSource(T0);
        newLeaderTime.skew(skew);
        LogClock newLeader = new LogClock(newLeaderTime, "new");
        newLeader.observe(lastStamp);

        newLeaderTime.advance(Duration.ofSeconds(2));
        newLeader.leading(2);
        long first = newLeader.stamp(2);
        newLeaderTime.advance(Duration.ofSeconds(30));
        long later = newLeader.stamp(2);

        assertThat(lastStamp).isEqualTo(T0);
        assertThat(first).isEqualTo(T0 + 2_000);
        assertThat(later - first).isEqualTo(30_000);
        assertThat(newLeader.skewMillis()).isEqualTo(skew.toMillis());
        assertThat(newLeader.skewWarnings()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("skews")
    void aLeaseOfThirtySecondsExpiresAfterThirtySecondsOfRealTimeUnderAnyLeaderClock(Duration skew) {
        ManualTimeSource time = new ManualTimeSource(T0);
        LogClock earlier = new LogClock(time, "first");
        earlier.leading(1);
        ChannelLedger ledger = new ChannelLedger(PaymentStateMachineTest.GROUP);
        ledger.advanceClock(earlier.stamp(1));
        long expiresAt = ledger.logTimeMillis() + 30_000;
        ManualTimeSource skewed = new ManualTimeSource(T0);
        skewed.skew(skew);
        LogClock next = new LogClock(skewed, "skewed");
        next.observe(ledger.logTimeMillis());
        next.leading(2);

        skewed.advance(Duration.ofSeconds(29));
        ledger.advanceClock(next.stamp(2));
        long after29 = ledger.logTimeMillis();
        skewed.advance(Duration.ofSeconds(1));
        ledger.advanceClock(next.stamp(2));

        assertThat(after29).isLessThan(expiresAt);
        assertThat(ledger.logTimeMillis()).isEqualTo(expiresAt);
    }

    @Test
    void aFollowerReportsItsSkewAgainstTheLastLogTimeItAppliedAdvancedByTheTimeSince() {
        ManualTimeSource time = new ManualTimeSource(T0);
        time.skew(Duration.ofMinutes(-11));
        LogClock clock = new LogClock(time, "follower");
        long unknown = clock.skewMillis();
        clock.observe(T0);
        time.advance(Duration.ofSeconds(40));

        assertThat(unknown).isZero();
        assertThat(clock.skewMillis()).isEqualTo(Duration.ofMinutes(-11).toMillis());
    }

    @Test
    void startingToLeadTheSameTermTwiceKeepsTheAnchorAndWarnsOnce() {
        ManualTimeSource time = new ManualTimeSource(T0);
        time.skew(Duration.ofDays(365));
        LogClock clock = new LogClock(time, "leader");
        clock.observe(T0 - 1_000);
        clock.leading(7);
        long first = clock.stamp(7);
        time.advance(Duration.ofMillis(250));

        clock.leading(7);

        assertThat(clock.stamp(7)).isEqualTo(first + 250);
        assertThat(clock.skewWarnings()).isEqualTo(1);
    }

    @Test
    void theFirstLeaderOfAnEmptyGroupStartsLogTimeAtItsWallClock() {
        ManualTimeSource time = new ManualTimeSource(T0);
        LogClock clock = new LogClock(time, "first");

        clock.leading(1);

        assertThat(clock.stamp(1)).isEqualTo(T0);
        assertThat(clock.skewMillis()).isZero();
        assertThat(clock.skewWarnings()).isZero();
    }

    @Test
    void timeAFollowerWaitedBeforeLeadingCountsButNotMoreThanPassed() {
        ManualTimeSource time = new ManualTimeSource(T0);
        LogClock clock = new LogClock(time, "follower");
        clock.observe(T0 - 5_000);
        time.advance(Duration.ofMinutes(3));

        clock.leading(4);

        assertThat(clock.stamp(4)).isEqualTo(T0 - 5_000 + 180_000);
    }

    @Test
    void stampsOfOneTermNeverGoBackAndAStampInANewTermRebasesOnTheObservedLogTime() {
        ManualTimeSource time = new ManualTimeSource(T0);
        LogClock clock = new LogClock(time, "node");
        clock.leading(1);
        long a = clock.stamp(1);
        time.advance(Duration.ofMillis(1));
        long b = clock.stamp(1);
        clock.observe(b);
        time.advance(Duration.ofMillis(5));

        long c = clock.stamp(3);

        assertThat(b).isEqualTo(a + 1);
        assertThat(c).isEqualTo(b + 5);
    }
}
