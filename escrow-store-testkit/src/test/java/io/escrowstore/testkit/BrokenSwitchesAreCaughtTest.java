package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.NoQuorumException;
import io.escrowstore.ReadConsistency;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Proof that the fault suites catch what they claim: each test-only {@code unsafe…} switch of the
 * store, turned on, makes a suite's verification report a violation (the same suites with the
 * switches off pass: the *SuiteTest classes). Besides the suite's own load, each test adds a probe
 * on a channel of its own whose violation is certain, not probable, and asserts that the checkers
 * report it there too.
 */
class BrokenSwitchesAreCaughtTest {
    private static final long PROBE = 99;
    private static final long PRICE = SuiteRun.PRICE;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void acknowledgingBeforeCommitIsCaughtAsALostAcknowledgedClaimAfterTheIsolatedLeaderHeals() throws Exception {
        try (SuiteRun run = new SuiteRun("broken: acknowledge before commit (suite 1)", 3, 9_001,
                unsafe(UnsafeSwitches.NONE.withAcknowledgeBeforeCommit()))) {
            ChannelId probe = run.openChannel(PROBE);
            run.awaitAccepted(20);
            boolean acknowledged = false;
            List<String> answers = new ArrayList<>();
            // the isolated leader answers before it steps down (an election timeout later); a round in
            // which it had already stepped down is simply repeated
            for (int round = 0; round < 5 && !acknowledged; round++) {
                int leader = run.cluster.awaitLeader();
                long amount = run.cluster.node(leader).channel(probe).orElseThrow().authorizedAmount()
                        .longValueExact() + PRICE;
                run.network().isolate(leader);
                ClaimRequest claim = TestChannels.claim(PROBE, 0, amount, PRICE);
                History.Invocation call = run.history.invokeClaim("probe", leader, claim);
                try {
                    ClaimResult result = run.cluster.node(leader).claimAsync(claim)
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    call.claimed(result);
                    acknowledged = result instanceof Accepted;
                    answers.add(result.toString());
                } catch (ExecutionException | TimeoutException e) {
                    call.failed(e);
                    answers.add(e.toString());
                }
                run.cluster.awaitNewLeader(leader);
                run.network().heal();
            }
            assertThat(acknowledged).as("the isolated leader acknowledged a probe claim; answers: " + answers).isTrue();

            Verification.Report report = recorded(run.finish(boundedChecker(run)));

            assertThat(report.ok()).as(report.describe()).isFalse();
            assertThat(report.exact().lostAcknowledged()).as(report.describe()).isPositive();
            assertThat(report.exact().violations()).anyMatch(v -> v.startsWith("lost ack:") && v.contains(" c" + probe.value() + " "));
        }
    }

    @Test
    void followerReadingLocalStateIsCaughtAsAStaleReadAfterAClaimCompletedOnTheMajority() throws Exception {
        try (SuiteRun run = new SuiteRun("broken: local follower reads (suite 4)", 3, 9_002,
                unsafe(UnsafeSwitches.NONE.withLocalFollowerReads()))) {
            ChannelId probe = run.openChannel(PROBE);
            run.awaitAccepted(20);
            int follower = run.cluster.follower();
            Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "the probe channel on follower " + follower,
                    () -> !run.cluster.localChannels(follower, List.of(probe)).isEmpty());
            run.network().isolate(follower);
            boolean accepted = false;
            for (long amount = PRICE; amount <= 5 * PRICE && !accepted; amount += PRICE) {
                int leader = run.cluster.awaitLeader();
                ClaimRequest claim = TestChannels.claim(PROBE, 0, amount, PRICE);
                History.Invocation call = run.history.invokeClaim("probe", leader, claim);
                try {
                    ClaimResult result = run.cluster.node(leader).claimAsync(claim)
                            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    call.claimed(result);
                    accepted = result instanceof Accepted;
                } catch (ExecutionException | TimeoutException e) {
                    call.failed(e);
                }
            }
            assertThat(accepted).as("the majority accepted a probe claim").isTrue();
            History.Invocation read = run.history.invokeRead("probe", follower, probe);
            Optional<ChannelState> seen = run.cluster.node(follower).channelAsync(probe, ReadConsistency.LINEARIZABLE)
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            read.read(seen);
            assertThat(seen).as("the cut-off follower answered from its local state")
                    .hasValueSatisfying(state -> assertThat(state.authorizedAmount()).isEqualTo(BigInteger.ZERO));
            run.network().heal();

            Verification.Report report = recorded(run.finish(boundedChecker(run)));

            assertThat(report.ok()).as(report.describe()).isFalse();
            assertThat(checkOnly(run, List.of(probe)).verdict())
                    .isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
        }
    }

    @Test
    void skippingRequestDedupIsCaughtBySuite8AsARetryAnsweredDifferentlyFromItsFirstAttempt() {
        try (SuiteRun run = new SuiteRun("broken: skip request dedup (suite 8)", 3, 9_003,
                unsafe(UnsafeSwitches.NONE.withSkipRequestDedup()))) {
            List<ChannelId> channels = ClientRetrySuiteTest.RETRY_CHANNELS.stream().map(run::openChannel).toList();
            // every first reply is lost: the replica asks again with the same request id after the
            // first attempt took effect, so every retry must be answered from the dedup table
            RetryingReplicas replicas = run.attach(RetryingReplicas.start(run.cluster, run.history,
                    ClientRetrySuiteTest.RETRY_CHANNELS, PRICE, run.seed, ClientRetrySuiteTest.PATIENCE, 1.0));
            replicas.awaitAnswered(12);

            Verification.Report report = recorded(run.finish(boundedChecker(run)));

            assertThat(report.ok()).as(report.describe()).isFalse();
            assertThat(checkOnly(run, channels).verdict()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
        }
    }

    @Test
    void reportingDoubtAsNotAppliedIsCaughtAsANotAppliedClaimThatTookEffect() throws Exception {
        try (SuiteRun run = new SuiteRun("broken: doubt reported as not applied (one-way cut)", 3, 9_004,
                unsafe(UnsafeSwitches.NONE.withReportDoubtAsNotApplied()))) {
            ChannelId probe = run.openChannel(PROBE);
            run.awaitAccepted(20);
            int leader = run.cluster.awaitLeader();
            int follower = run.cluster.follower();
            // the follower forwards the claim, the leader applies it, and every answer to the follower is lost
            run.network().cut(leader, follower);
            ClaimRequest claim = TestChannels.claim(PROBE, 0, PRICE, PRICE);
            History.Invocation call = run.history.invokeClaim("probe", follower, claim);
            Throwable failure = null;
            try {
                call.claimed(run.cluster.node(follower).claimAsync(claim)
                        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                call.failed(e);
                failure = e.getCause();
            }
            run.network().heal();
            assertThat(failure).as("the follower's answer to a claim whose answers were lost")
                    .isInstanceOf(NoQuorumException.class).hasMessageContaining("unsafeReportDoubtAsNotApplied");

            Verification.Report report = recorded(run.finish(boundedChecker(run)));

            assertThat(report.ok()).as(report.describe()).isFalse();
            assertThat(report.exact().notAppliedTookEffect()).as(report.describe()).isPositive();
            assertThat(report.exact().violations()).anyMatch(v -> v.startsWith("not applied but took effect:")
                    && v.contains(" c" + probe.value() + " ") && v.contains("recorded its outcome"));
        }
    }

    /** Adds the run to the measured table (its verdict column shows the violation). */
    private static Verification.Report recorded(SuiteTable.Row row) {
        SuiteTable.add(row);
        return row.report();
    }

    private static UnaryOperator<EscrowCluster.Builder> unsafe(UnsafeSwitches switches) {
        return cluster -> cluster.nodeSettings(node -> UnsafeSwitches.on(node, switches));
    }

    /** The whole history of a broken store may be expensive to search: a small budget (exceeding it fails too). */
    private static LinearizabilityChecker boundedChecker(SuiteRun run) {
        return LinearizabilityChecker.forGroup(run.cluster.groupId()).withBudget(2_000_000, Duration.ofSeconds(10));
    }

    /** The full linearizability check of the probe channels alone. */
    private static LinearizabilityChecker.Result checkOnly(SuiteRun run, List<ChannelId> channels) {
        Map<ChannelId, ChannelState> initial = new HashMap<>();
        channels.forEach(channel -> initial.put(channel, run.initial(channel)));
        List<History.Operation> ops = run.history.operations().stream()
                .filter(op -> channels.contains(op.channel())).toList();
        return LinearizabilityChecker.forGroup(run.cluster.groupId()).check(History.of(ops), initial);
    }
}
