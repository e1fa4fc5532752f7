package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY suite 8: client retries across a leader change with the same request id. Besides
 * the double-spend load, one replica per extra channel shows each payment to a single node and
 * retries it with the same request id after an indeterminate outcome, its own 400 ms timeout or a
 * lost reply (20 % of first replies), while the leader is stopped and restarted, then isolated and
 * healed. Each payment is one operation in the history, checked by both checkers.
 */
class ClientRetrySuiteTest {
    static final Duration PATIENCE = Duration.ofMillis(400);
    static final List<Long> RETRY_CHANNELS = LongStream.rangeClosed(101, 106).boxed().toList();

    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("8 client retries");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void paymentsRetriedWithTheirRequestIdAcrossLeaderChangesTakeEffectOnceAndAnswerAsTheFirstAttempt(int nodes) {
        SuiteRun run = suite.start(nodes, 8_000 + nodes);
        RETRY_CHANNELS.forEach(run::openChannel);
        RetryingReplicas replicas = run.attach(RetryingReplicas.start(run.cluster, run.history, RETRY_CHANNELS,
                SuiteRun.PRICE, run.seed, PATIENCE, 0.2));
        replicas.awaitAnswered(20);

        int leader = run.cluster.awaitLeader();
        run.stop(leader);
        run.cluster.awaitNewLeader(leader);
        replicas.awaitAnswered(20);
        run.cluster.restart(leader);

        leader = run.cluster.awaitLeader();
        run.network().isolate(leader);
        run.cluster.awaitNewLeader(leader);
        replicas.awaitAnswered(20);
        run.network().heal();
        replicas.awaitAnswered(20);

        assertThat(replicas.ambiguousRetried()).as("payments retried after an unknown outcome").isPositive();
        assertThat(replicas.accepted()).as("retried payments accepted").isPositive();
    }
}
