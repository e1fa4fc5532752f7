package io.escrowstore.testkit;

import static io.escrowstore.RejectReason.ALREADY_CLAIMED;
import static io.escrowstore.RejectReason.INCREMENT_MISMATCH;
import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.ChannelId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private static final LinearizabilityChecker CHECKER = LinearizabilityChecker.forGroup(Histories.GROUP);

    private static LinearizabilityChecker.Result check(Histories histories) {
        return CHECKER.check(histories.history());
    }

    @Nested
    class Rejects {
        @Test
        void staleReadAfterAnAcknowledgedAccept() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 3)
                    .read(1, 0, 4, 5));
            assertThat(result.verdict()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
            assertThat(result.report()).contains(">>").contains("read c1").contains("authorized=0");
        }

        @Test
        void lostAcknowledgementSeenByALaterClaim() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 3)
                    .rejected(1, 20, INCREMENT_MISMATCH, 0, 4, 5));
            assertThat(result.ok()).isFalse();
            assertThat(result.report()).contains("INCREMENT_MISMATCH");
        }

        @Test
        void samePaymentAcceptedTwiceEvenConcurrently() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 6)
                    .accepted(1, 10, 3, 5));
            assertThat(result.ok()).isFalse();
        }

        @Test
        void skippedAmount() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 3)
                    .accepted(1, 30, 4, 5));
            assertThat(result.ok()).isFalse();
        }

        @Test
        void effectOfACallTheStoreSaidWasNotApplied() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .notApplied(1, 10, 2, 3)
                    .read(1, 10, 4, 5));
            assertThat(result.ok()).isFalse();
        }

        @Test
        void readThatGoesBackInTime() {
            LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1)
                    .indeterminate(1, 10, 2, 3)
                    .read(1, 10, 4, 5)
                    .read(1, 0, 6, 7));
            assertThat(result.ok()).isFalse();
        }
    }

    @Nested
    class Accepts {
        @Test
        void sequentialClaimsAndReads() {
            assertThat(check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 3)
                    .read(1, 10, 4, 5)
                    .rejected(1, 10, ALREADY_CLAIMED, 10, 6, 7)
                    .accepted(1, 20, 8, 9)).ok()).isTrue();
        }

        @Test
        void doubleSpendAttemptWhereTheLoserAnsweredFirst() {
            assertThat(check(new Histories().sync(1, 0, 1)
                    .accepted(1, 10, 2, 9)
                    .rejected(1, 10, ALREADY_CLAIMED, 10, 3, 4)
                    .read(1, 10, 5, 6)).ok()).isTrue();
        }

        @Test
        void gapThatOnlyAnIndeterminateClaimTakingEffectExplains() {
            assertThat(check(new Histories().sync(1, 0, 1)
                    .indeterminate(1, 10, 2, 3)
                    .accepted(1, 20, 4, 5)).ok()).isTrue();
        }

        @Test
        void indeterminateClaimTakingEffectLongAfterItsCallFailed() {
            assertThat(check(new Histories().sync(1, 0, 1)
                    .indeterminate(1, 10, 2, 3)
                    .read(1, 0, 4, 5)
                    .read(1, 10, 6, 7)).ok()).isTrue();
        }

        @Test
        void indeterminateClaimThatNeverTookEffect() {
            assertThat(check(new Histories().sync(1, 0, 1)
                    .indeterminate(1, 10, 2, 3)
                    .read(1, 0, 4, 5)
                    .accepted(1, 10, 6, 7)
                    .read(1, 10, 8, 9)).ok()).isTrue();
        }

        @Test
        void channelOpenedBeforeTheHistoryBegan() {
            LinearizabilityChecker.Result result = CHECKER.check(new Histories().accepted(1, 10, 0, 1).history(),
                    Map.of(ChannelId.of(1), Histories.state(1, 0)));
            assertThat(result.ok()).as(result.report()).isTrue();
        }

        @Test
        void manyConcurrentAttemptsWithIndeterminatesWithinTheDefaultBudget() {
            Histories histories = new Histories().sync(1, 0, 1);
            long t = 10;
            for (long amount = 10; amount <= 2_000; amount += 10) {
                histories.accepted(1, amount, t, t + 5)
                        .rejected(1, amount, ALREADY_CLAIMED, amount, t + 1, t + 4)
                        .indeterminate(1, amount, t + 2, t + 3)
                        .read(1, amount, t + 6, t + 7);
                t += 10;
            }
            LinearizabilityChecker.Result result = check(histories);
            assertThat(result.ok()).as(result.report()).isTrue();
            assertThat(result.operations()).isEqualTo(801);
        }
    }

    @Test
    void searchThatRunsOutOfBudgetIsAFailureNotAPass() {
        Histories histories = new Histories().sync(1, 0, 1);
        for (long amount = 10; amount <= 200; amount += 10) {
            histories.indeterminate(1, amount, 2, 3);
        }
        histories.read(1, 200, 4, 5);
        LinearizabilityChecker.Result result = CHECKER.withBudget(5, Duration.ofSeconds(5)).check(histories.history());
        assertThat(result.verdict()).isEqualTo(LinearizabilityChecker.Verdict.BUDGET_EXCEEDED);
        assertThat(result.ok()).isFalse();
        assertThat(result.report()).contains("budget exceeded");
        assertThat(check(histories).ok()).as("the same history with the default budget").isTrue();
    }

    @Test
    void reportNarrowsAViolationToItsMinimalWindow() {
        Histories histories = new Histories().sync(1, 0, 1);
        long t = 10;
        for (long amount = 10; amount <= 300; amount += 10) {
            histories.accepted(1, amount, t, t + 2).read(1, amount, t + 3, t + 4);
            t += 10;
        }
        histories.read(1, 150, t, t + 1);
        for (long amount = 310; amount <= 600; amount += 10) {
            t += 10;
            histories.accepted(1, amount, t, t + 2);
        }
        LinearizabilityChecker.Result result = check(histories);
        assertThat(result.ok()).isFalse();
        String report = result.report();
        assertThat(report).contains("The first 62 of its 92 operations already are not")
                .contains("a valid order ends in: nonce=0 authorized=300");
        assertThat(report.lines().filter(line -> line.startsWith("  >> "))).singleElement()
                .satisfies(line -> assertThat(line).contains("read c1").contains("authorized=150"));
        assertThat(report.lines().count()).as("a window, not the whole history").isLessThan(15);
    }

    @Test
    void channelsAreCheckedOneByOne() {
        LinearizabilityChecker.Result result = check(new Histories().sync(1, 0, 1).sync(2, 0, 1)
                .accepted(1, 10, 2, 3)
                .read(2, 10, 4, 5));
        assertThat(result.ok()).isFalse();
        assertThat(result.channels()).isEqualTo(2);
        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f).startsWith("channel 2:"));
    }
}
