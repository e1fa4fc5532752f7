package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.google.protobuf.ByteString;
import io.escrowstore.ChannelId;
import io.escrowstore.RequestId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.routing.FakeLeaderNode;

/** The leader's side of group commit: which commands go into which entry, stamped how, answered how. */
class ProposerTest {
    private static final long TERM = 3;

    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "leader",
            MEMBERS);
    private final FakeLeaderNode leader = new FakeLeaderNode(PeerId.parsePeer("10.0.0.2:7000"));
    private final Proposer proposer = new Proposer(() -> leader.node, fsm, DIRECT, () -> T0 + 5, 1_000,
            Duration.ofMinutes(1));

    private static byte[] sync(long channel) {
        return Commands.sync(chain(ChannelId.of(channel), 0, 100, GROUP), new RequestId("sync/" + channel));
    }

    private CompletableFuture<Outcome> propose(byte[] command) {
        return proposer.propose(command, Commands.batchKey(Commands.decode(ByteBuffer.wrap(command))), Answering.ON_EXECUTOR);
    }

    private Commands.Entry proposed(int task) {
        return Commands.decodeEntry(leader.tasks.get(task).getData());
    }

    @Test
    void aFollowerAnswersNotLeaderNamingTheLeaderAndProposesNothing() {
        CompletableFuture<Outcome> answer = propose(sync(1));

        assertThat(answer.getNow(null)).isEqualTo(Outcomes.notLeader(Leaders.of(leader.node)));
        assertThat(answer.getNow(null).leaderHint()).isEqualTo("10.0.0.2:7000");
        assertThat(leader.tasks).isEmpty();
    }

    @Test
    void aNodeNotStartedYetAnswersNotLeaderWithoutAHint() {
        Proposer unstarted = new Proposer(() -> null, fsm, DIRECT, () -> T0, 1_000, Duration.ofMinutes(1));

        Outcome answer = unstarted.propose(sync(1), null, Answering.ON_EXECUTOR).getNow(null);

        assertThat(answer.status()).isEqualTo(Outcome.Status.NOT_LEADER);
        assertThat(answer.leaderHint()).isEmpty();
    }

    @Test
    void aNoOpIsAnEntryOfNoBytesInTheLeadersTermOutsideTheEntryWindow() {
        fsm.onLeaderStart(TERM);
        propose(sync(1));
        propose(sync(2));
        propose(sync(3));
        int proposedBefore = leader.tasks.size();

        assertThat(proposer.appendNoop()).isTrue();

        assertThat(leader.tasks).hasSize(proposedBefore + 1);
        assertThat(leader.tasks.get(proposedBefore).getData().remaining()).isZero();
        assertThat(leader.tasks.get(proposedBefore).getExpectedTerm()).isEqualTo(TERM);
        assertThat(proposer.queued()).as("the window still holds back the third sync").isEqualTo(1);
        leader.commit(proposedBefore, fsm, 1);
        assertThat(fsm.appliedIndex()).isEqualTo(1);
        assertThat(fsm.invalidEntries()).isZero();
        assertThat(fsm.channelCount()).isZero();
    }

    @Test
    void aFollowerAppendsNoNoOp() {
        assertThat(proposer.appendNoop()).isFalse();
        assertThat(new Proposer(() -> null, fsm, DIRECT, () -> T0, 1_000, Duration.ofMinutes(1)).appendNoop())
                .isFalse();
        assertThat(leader.tasks).isEmpty();
    }

    @Test
    void aLoneCommandIsProposedAtOnceStampedWithTheLeadersClockWindowAndTerm() {
        fsm.onLeaderStart(TERM);
        byte[] command = sync(1);

        CompletableFuture<Outcome> answer = propose(command);

        assertThat(leader.tasks).singleElement().satisfies(task -> assertThat(task.getExpectedTerm()).isEqualTo(TERM));
        assertThat(proposed(0).commands()).containsExactly(ByteString.copyFrom(command));
        assertThat(proposed(0).stamp().getLeaderTimeMillis()).isEqualTo(T0 + 5);
        assertThat(proposed(0).stamp().getDedupMaxEntries()).isEqualTo(1_000);
        assertThat(proposed(0).stamp().getDedupRetentionMillis()).isEqualTo(60_000);
        assertThat(answer).isNotDone();
    }

    @Test
    void commandsArrivingWhileTheWindowIsFullShareTheNextEntryAndEachGetsItsOwnAnswer() {
        fsm.onLeaderStart(TERM);
        List<byte[]> commands = LongStream.rangeClosed(1, Proposer.ENTRY_WINDOW + 3).mapToObj(ProposerTest::sync)
                .toList();

        List<CompletableFuture<Outcome>> answers = commands.stream().map(this::propose).toList();

        assertThat(leader.tasks).hasSize(Proposer.ENTRY_WINDOW);
        assertThat(proposer.queued()).isEqualTo(3);
        leader.commit(0, fsm, 1);
        assertThat(leader.tasks).hasSize(Proposer.ENTRY_WINDOW + 1);
        assertThat(proposed(Proposer.ENTRY_WINDOW).commands()).containsExactlyElementsOf(commands
                .subList(Proposer.ENTRY_WINDOW, commands.size()).stream().map(ByteString::copyFrom).toList());
        for (int task = 1; task < leader.tasks.size(); task++) {
            leader.commit(task, fsm, task + 1);
        }
        assertThat(answers).allSatisfy(answer -> assertThat(answer.getNow(null).status())
                .isEqualTo(Outcome.Status.APPLIED));
        assertThat(answers).extracting(answer -> answer.getNow(null).result().getSynced().getRevision())
                .containsExactly(1L, 2L, 3L, 3L, 3L);
    }

    @Test
    void anEntryRefusedAsBusyAnswersEachOfItsCommandsBusyAndFreesItsSlot() {
        fsm.onLeaderStart(TERM);
        List<CompletableFuture<Outcome>> answers = LongStream.rangeClosed(1, 4)
                .mapToObj(ProposerTest::sync).map(this::propose).toList();

        leader.tasks.get(1).getDone().run(new Status(RaftError.EBUSY, "leader is overloaded"));

        assertThat(answers.get(1).getNow(null).status()).isEqualTo(Outcome.Status.BUSY);
        assertThat(leader.tasks).hasSize(3);
        assertThat(proposed(2).commands()).hasSize(2);
        leader.tasks.get(2).getDone().run(new Status(RaftError.EBUSY, "leader is overloaded"));
        assertThat(answers.subList(2, 4)).allSatisfy(answer -> assertThat(answer.getNow(null).status())
                .isEqualTo(Outcome.Status.BUSY));
        assertThat(answers.get(0)).isNotDone();
    }

    @Test
    void commandsQueuedWhenLeadershipIsLostAreAnsweredNotLeaderAndNeverProposed() {
        fsm.onLeaderStart(TERM);
        List<CompletableFuture<Outcome>> answers = LongStream.rangeClosed(1, 4)
                .mapToObj(ProposerTest::sync).map(this::propose).toList();

        fsm.onLeaderStop(new Status(RaftError.EPERM, "stepped down"));
        leader.tasks.get(0).getDone().run(new Status(RaftError.EPERM, "leader stepped down"));

        assertThat(answers.get(0).getNow(null).status()).isEqualTo(Outcome.Status.INDETERMINATE);
        assertThat(answers.subList(2, 4)).allSatisfy(answer -> {
            assertThat(answer.getNow(null).status()).isEqualTo(Outcome.Status.NOT_LEADER);
            assertThat(answer.getNow(null).leaderHint()).isEqualTo("10.0.0.2:7000");
        });
        assertThat(leader.tasks).hasSize(2);
        assertThat(proposer.queued()).isZero();
    }
}
