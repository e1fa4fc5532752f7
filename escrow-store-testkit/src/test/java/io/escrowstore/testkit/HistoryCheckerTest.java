package io.escrowstore.testkit;

import static io.escrowstore.RejectReason.ALREADY_CLAIMED;
import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimResult;
import io.escrowstore.RequestId;
import io.escrowstore.raft.StateDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
    private static List<Map<ChannelId, ChannelState>> everyReplicaAt(long authorized) {
        return List.of(Map.of(ChannelId.of(1), Histories.state(1, authorized)),
                Map.of(ChannelId.of(1), Histories.state(1, authorized)));
    }

    @Test
    void correctHistoryWithADoubleSpendAttemptPasses() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 5).rejected(1, 10, ALREADY_CLAIMED, 10, 3, 4).accepted(1, 20, 6, 7).history(),
                everyReplicaAt(20), List.of(digest(1), digest(1)));
        assertThat(verdict.violations()).isEmpty();
    }

    @Test
    void samePaymentAcceptedTwiceIsADoubleAccept() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).accepted(1, 10, 4, 5).history(), everyReplicaAt(10));
        assertThat(verdict.doubleAccepted()).isEqualTo(1);
        assertThat(verdict.violations()).anySatisfy(v -> assertThat(v).startsWith("double accept"));
    }

    @Test
    void acknowledgedAcceptMissingFromAReplicaIsALostAck() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).accepted(1, 20, 4, 5).history(),
                List.of(Map.of(ChannelId.of(1), Histories.state(1, 20)), Map.of(ChannelId.of(1), Histories.state(1, 10))));
        assertThat(verdict.lostAcknowledged()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> assertThat(v).contains("missing on replica 1"));
    }

    @Test
    void acceptedAmountThatSkipsAPriceStepIsUnexplained() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).accepted(1, 30, 4, 5).history(), List.of());
        assertThat(verdict.unexplainedAmounts()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> assertThat(v).startsWith("amount skipped"));
    }

    @Test
    void gapFilledByAnIndeterminateClaimIsExplained() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).indeterminate(1, 20, 4, 5).accepted(1, 30, 6, 7).history(), everyReplicaAt(30));
        assertThat(verdict.violations()).isEmpty();
    }

    @Test
    void finalAuthorizationNoClaimReachesIsUnexplained() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).history(), everyReplicaAt(40));
        assertThat(verdict.unexplainedAmounts()).isEqualTo(2);
        assertThat(verdict.violations()).allSatisfy(v -> assertThat(v).startsWith("unexplained final state"));
    }

    @Test
    void finalAuthorizationReachedOnlyThroughIndeterminateClaimsIsExplained() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .accepted(1, 10, 2, 3).indeterminate(1, 20, 4, 5).indeterminate(1, 30, 6, 7).history(),
                everyReplicaAt(30));
        assertThat(verdict.violations()).isEmpty();
    }

    @Test
    void acceptanceCompletedBeforeAnotherBeganMustHaveTheLowerAmount() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1)
                .indeterminate(1, 10, 1, 2).accepted(1, 20, 2, 3).accepted(1, 10, 4, 5).history(), everyReplicaAt(20));
        assertThat(verdict.outOfOrder()).isEqualTo(1);
    }

    @Test
    void replicasWithDifferentDigestsDiverge() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1).history(),
                everyReplicaAt(0), List.of(digest(1), digest(1), digest(2)));
        assertThat(verdict.divergentReplicas()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> assertThat(v).startsWith("replica 2 diverges"));
    }

    @Test
    void notAppliedClaimWhoseRequestIdAReplicaRecordedTookEffect() {
        History history = new Histories().sync(1, 0, 1).notApplied(1, 10, 2, 3).history();
        List<Map<RequestId, ClaimResult>> outcomes = List.of(Map.of(),
                Map.of(new RequestId("op-1"), new Accepted(Histories.state(1, 10))));

        HistoryChecker.Verdict verdict =
                HistoryChecker.check(history, everyReplicaAt(0), List.of(), Map.of(), outcomes);

        assertThat(verdict.notAppliedTookEffect()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> assertThat(v)
                .startsWith("not applied but took effect: #1").contains("replica 1 recorded its outcome"));
    }

    @Test
    void notAppliedPaymentThatOnlyItCanHaveBroughtIntoTheFinalStateTookEffect() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1).notApplied(1, 10, 2, 3)
                .history(), everyReplicaAt(10));

        assertThat(verdict.notAppliedTookEffect()).isEqualTo(1);
        assertThat(verdict.unexplainedAmounts()).isZero();
        assertThat(verdict.violations()).allSatisfy(v -> assertThat(v).startsWith("not applied but took effect: #1")
                .contains("final state"));
    }

    @Test
    void acceptanceThatBuildsOnANotAppliedPaymentShowsItTookEffect() {
        HistoryChecker.Verdict verdict = HistoryChecker.check(new Histories().sync(1, 0, 1).notApplied(1, 10, 2, 3)
                .accepted(1, 20, 4, 5).history(), List.of());

        assertThat(verdict.notAppliedTookEffect()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> assertThat(v)
                .startsWith("not applied but took effect: #1").contains("builds on it"));
    }

    @Test
    void notAppliedPaymentThatAnotherRequestGotAcceptedPasses() {
        History history = new Histories().sync(1, 0, 1).notApplied(1, 10, 2, 3).accepted(1, 10, 2, 4)
                .accepted(1, 20, 5, 6).history();

        HistoryChecker.Verdict verdict = HistoryChecker.check(history, everyReplicaAt(20), List.of(), Map.of(),
                List.of(Map.of(), Map.of()));

        assertThat(verdict.violations()).isEmpty();
    }

    @Test
    void onlyClaimsAnsweredNotAppliedAreAskedAbout() {
        History history = new Histories().sync(1, 0, 1).notApplied(1, 10, 2, 3).indeterminate(1, 10, 2, 4)
                .accepted(1, 10, 2, 5).notApplied(1, 20, 6, 7).history();

        assertThat(HistoryChecker.notAppliedRequests(history))
                .containsExactly(new RequestId("op-1"), new RequestId("op-4"));
    }

    private static StateDigest digest(int fill) {
        byte[] sha = new byte[32];
        java.util.Arrays.fill(sha, (byte) fill);
        return new StateDigest(7, 1, sha);
    }
}
