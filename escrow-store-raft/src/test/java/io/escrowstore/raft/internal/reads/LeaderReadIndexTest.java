package io.escrowstore.raft.internal.reads;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.Entry;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ListIterator;
import io.escrowstore.raft.internal.replication.Outcome;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.routing.FakeLeaderNode;

/** The leader's side of a linearizable read: which index it vouches for, and when. */
class LeaderReadIndexTest {
    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "leader",
            MEMBERS);
    private final FakeLeaderNode node = new FakeLeaderNode(PeerId.parsePeer("10.0.0.2:7000"));
    private final LeaderReadIndex readIndex = new LeaderReadIndex(() -> node.node, fsm, DIRECT);

    @Test
    void aNodeThatDoesNotLeadAnswersNotLeaderNamingTheLeaderAndAsksJraftNothing() {
        Outcome answer = readIndex.confirm().getNow(null);

        assertThat(answer).isEqualTo(Outcomes.notLeader(Leaders.of(node.node)));
        assertThat(node.reads).isEmpty();
    }

    @Test
    void theAnswerWaitsForJraftsConfirmationAndIsTheIndexTheStateMachineHasApplied() {
        fsm.onLeaderStart(2);
        fsm.onApply(new ListIterator(6, List.of(new Entry(ByteBuffer.allocate(0), null))));

        CompletableFuture<Outcome> answer = readIndex.confirm();
        assertThat(answer).isNotDone();
        node.confirmRead(0, 7);

        assertThat(answer.getNow(null)).as("entry 7, say a configuration entry, never reaches the state machine")
                .isEqualTo(Outcomes.applied(Results.readIndex(6)));
    }

    @Test
    void whenTheStateMachineHasAppliedMoreTheAnswerIsJraftsReadIndexSoReadersWaitNoLonger() {
        fsm.onLeaderStart(2);
        CompletableFuture<Outcome> answer = readIndex.confirm();
        fsm.onApply(new ListIterator(9, List.of(new Entry(ByteBuffer.allocate(0), null))));

        node.confirmRead(0, 7);

        assertThat(answer.getNow(null)).isEqualTo(Outcomes.applied(Results.readIndex(7)));
    }

    @Test
    void aConfirmationJraftRefusedIsIndeterminateSoTheAskerTriesAgain() {
        fsm.onLeaderStart(2);

        CompletableFuture<Outcome> answer = readIndex.confirm();
        node.reads.get(0).run(new Status(RaftError.EAGAIN, "leader has not committed in its term"));

        assertThat(answer.getNow(null).status()).isEqualTo(Outcome.Status.INDETERMINATE);
        assertThat(answer.getNow(null).error()).contains("EAGAIN");
    }

    @Test
    void aNodeShuttingDownAnswersIndeterminateInsteadOfThrowing() {
        fsm.onLeaderStart(2);
        node.shuttingDown = true;

        Outcome answer = readIndex.confirm().getNow(null);

        assertThat(answer.status()).isEqualTo(Outcome.Status.INDETERMINATE);
        assertThat(answer.error()).contains("shutting down");
    }
}
