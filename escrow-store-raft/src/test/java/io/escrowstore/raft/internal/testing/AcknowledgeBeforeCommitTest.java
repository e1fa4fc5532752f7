package io.escrowstore.raft.internal.testing;

import io.escrowstore.raft.internal.replication.Answering;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.CH;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.RequestId;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.routing.FakeLeaderNode;
import io.escrowstore.raft.internal.replication.Outcome;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The deliberately wrong acknowledge-before-commit decorator: what it answers early, and what it leaves alone. */
class AcknowledgeBeforeCommitTest {
    private static final long TERM = 3;

    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "leader",
            MEMBERS);
    private final FakeLeaderNode leader = new FakeLeaderNode(PeerId.parsePeer("10.0.0.2:7000"));
    private final Proposer proposer = new Proposer(() -> leader.node, fsm, DIRECT, () -> T0, 1_000,
            Duration.ofMinutes(1));
    private final AcknowledgeBeforeCommit broken = new AcknowledgeBeforeCommit(proposer, fsm, GROUP, DIRECT);

    private static byte[] sync(ChannelId channel) {
        return Commands.sync(chain(channel, 0, 100, GROUP), new RequestId("sync-" + channel.value()));
    }

    @Test
    void aQueuedClaimIsAnsweredAcceptedBeforeItsEntryIsEvenAppended() {
        fsm.onLeaderStart(TERM);
        broken.propose(sync(CH), null, Answering.ON_EXECUTOR);
        leader.commit(0, fsm, 1);
        broken.propose(sync(ChannelId.of(1)), null, Answering.ON_EXECUTOR);
        broken.propose(sync(ChannelId.of(2)), null, Answering.ON_EXECUTOR);

        CompletableFuture<Outcome> claim = broken.propose(Commands.claim(claimRequest("c", 0, 10, 10)), null, Answering.ON_EXECUTOR);
        CompletableFuture<Outcome> queuedSync = broken.propose(sync(ChannelId.of(3)), null, Answering.ON_EXECUTOR);

        assertThat(leader.tasks).as("the entry window is full, the claim waits unappended").hasSize(3);
        assertThat(claim.getNow(null).status()).isEqualTo(Outcome.Status.APPLIED);
        assertThat(Results.claimResult(claim.getNow(null).result())).isInstanceOfSatisfying(Accepted.class,
                accepted -> assertThat(accepted.state().authorizedAmount()).isEqualTo(BigInteger.TEN));
        assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).as("the store's state is left unchanged")
                .isZero();
        assertThat(queuedSync).as("only claims are answered early").isNotDone();
    }

    @Test
    void onAFollowerItAnswersNotLeaderLikeTheProposer() {
        CompletableFuture<Outcome> claim = broken.propose(Commands.claim(claimRequest("c", 0, 10, 10)), null, Answering.ON_EXECUTOR);

        assertThat(claim.getNow(null).status()).isEqualTo(Outcome.Status.NOT_LEADER);
        assertThat(leader.tasks).isEmpty();
    }
}
