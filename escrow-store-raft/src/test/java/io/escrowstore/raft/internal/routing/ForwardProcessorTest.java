package io.escrowstore.raft.internal.routing;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimOn;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.garbage;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.Connection;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.google.protobuf.ByteString;
import io.escrowstore.ChannelId;
import io.escrowstore.RequestId;
import io.escrowstore.raft.proto.EscrowProto.ForwardReply;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.Proposer;

/** A leader's side of forwarding: one answer per forwarded command, in the request's order. */
class ForwardProcessorTest {
    private static final String RAFT_GROUP = "payments";

    private final PaymentStateMachine fsm = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "leader",
            MEMBERS);
    private final FakeLeaderNode node = new FakeLeaderNode(PeerId.parsePeer("10.0.0.2:7000"));
    private final ForwardProcessor processor = new ForwardProcessor(RAFT_GROUP,
            new Proposer(() -> node.node, fsm, DIRECT, () -> T0, 1_000, Duration.ofMinutes(1)),
            new LeaderReadIndex(() -> node.node, fsm, DIRECT));
    private final Replies replies = new Replies();

    /** The connection a request came in on: records what is sent back. */
    private static final class Replies implements RpcContext {
        final List<Object> sent = new ArrayList<>();

        @Override
        public void sendResponse(Object response) {
            sent.add(response);
        }

        @Override
        public Connection getConnection() {
            return null;
        }

        @Override
        public String getRemoteAddress() {
            return "10.0.0.7:7001";
        }

        List<ForwardResponse> only() {
            assertThat(sent).singleElement().isInstanceOf(ForwardReply.class);
            return ((ForwardReply) sent.get(0)).getResponsesList();
        }
    }

    private static byte[] sync(long channel) {
        return Commands.sync(chain(ChannelId.of(channel), 0, 100, GROUP), new RequestId("sync/" + channel));
    }

    private static ForwardRequest request(String group, List<byte[]> commands) {
        ForwardRequest.Builder request = ForwardRequest.newBuilder().setGroup(group);
        commands.forEach(command -> request.addCommands(ByteString.copyFrom(command)));
        return request.build();
    }

    private static ForwardRequest request(byte[]... commands) {
        return request(RAFT_GROUP, List.of(commands));
    }

    @Test
    void aRequestForAnotherRaftGroupIsRefusedInEverySlot() {
        processor.handleRequest(replies, request("other-group", List.of(sync(1), sync(2), sync(3))));

        assertThat(replies.only()).hasSize(3).allSatisfy(response -> {
            assertThat(response.getStatus()).isEqualTo(Status.BAD_REQUEST);
            assertThat(response.getError()).contains("'other-group'").contains("'" + RAFT_GROUP + "'");
        });
        assertThat(processor.badRequests()).isEqualTo(1);
    }

    @Test
    void aRequestWithoutCommandsIsRefused() {
        processor.handleRequest(replies, request());

        assertThat(replies.only()).isEmpty();
        assertThat(processor.badRequests()).isEqualTo(1);
    }

    @Test
    void aRequestWithMoreCommandsThanABatchHoldsIsRefusedInEverySlot() {
        int count = Commands.MAX_BATCH_COMMANDS + 1;

        processor.handleRequest(replies, request(RAFT_GROUP, Collections.nCopies(count, sync(1))));

        assertThat(replies.only()).hasSize(count).allSatisfy(response -> {
            assertThat(response.getStatus()).isEqualTo(Status.BAD_REQUEST);
            assertThat(response.getError()).endsWith("not " + count);
        });
        assertThat(node.tasks).isEmpty();
    }

    @Test
    void aMalformedCommandIsRefusedAloneWhileTheOthersAreAnsweredNotLeader() {
        processor.handleRequest(replies, request(sync(1), garbage().array(), sync(2)));

        assertThat(replies.only()).extracting(ForwardResponse::getStatus)
                .containsExactly(Status.NOT_LEADER, Status.BAD_REQUEST, Status.NOT_LEADER);
        assertThat(replies.only().get(0).getLeaderHint()).isEqualTo("10.0.0.2:7000");
        assertThat(replies.only().get(1).getError()).startsWith("not a command");
        assertThat(processor.badRequests()).isEqualTo(1);
    }

    @Test
    void theReplyComesOnceEveryCommandIsAnsweredWithOneResponsePerCommandInOrder() {
        fsm.onLeaderStart(2);
        byte[] claim = Commands.claim(claimOn(ChannelId.of(1), "claim-1", 0, 10, 10));

        processor.handleRequest(replies, request(sync(1), sync(2), garbage().array(), claim));
        assertThat(replies.sent).as("no reply while commands are in flight").isEmpty();
        for (int task = 0; task < node.tasks.size(); task++) {
            node.commit(task, fsm, task + 1);
        }

        List<ForwardResponse> responses = replies.only();
        assertThat(responses).extracting(ForwardResponse::getStatus)
                .containsExactly(Status.APPLIED, Status.APPLIED, Status.BAD_REQUEST, Status.APPLIED);
        assertThat(responses.get(0).getResult().getSynced().getChannelId()).isEqualTo(ProtoMapper.uint256(
                ChannelId.of(1).value()));
        assertThat(responses.get(1).getResult().getSynced().getChannelId()).isEqualTo(ProtoMapper.uint256(
                ChannelId.of(2).value()));
        assertThat(responses.get(3).getResult().hasAccepted()).isTrue();
        assertThat(node.tasks).as("the claim waited for a free slot").hasSize(Proposer.ENTRY_WINDOW + 1);
    }

    @Test
    void aForwardedReadIndexRequestIsAnsweredOnceJraftConfirmedItWithTheIndexTheStateMachineHasApplied() {
        fsm.onLeaderStart(2);

        processor.handleRequest(replies, request(sync(1), Commands.readIndex()));
        assertThat(node.reads).hasSize(1);
        assertThat(node.tasks).singleElement().satisfies(task -> assertThat(Commands.decodeEntry(task.getData())
                .commands()).containsExactly(ByteString.copyFrom(sync(1))));
        node.commit(0, fsm, 17);
        assertThat(replies.sent).as("no reply before jraft confirmed the read index").isEmpty();
        node.confirmRead(0, 18);

        List<ForwardResponse> responses = replies.only();
        assertThat(responses).extracting(ForwardResponse::getStatus).containsExactly(Status.APPLIED, Status.APPLIED);
        assertThat(responses.get(0).getResult().hasSynced()).isTrue();
        assertThat(responses.get(1).getResult().getReadIndex())
                .as("entry 18 is one the state machine never sees, such as a configuration entry").isEqualTo(17);
    }

    @Test
    void aReadIndexTheLeaderCouldNotConfirmIsAnsweredIndeterminateSoTheAskerTriesAgain() {
        fsm.onLeaderStart(2);

        processor.handleRequest(replies, request(Commands.readIndex()));
        node.reads.get(0).run(new com.alipay.sofa.jraft.Status(com.alipay.sofa.jraft.error.RaftError.EPERM,
                "not the leader"));

        assertThat(replies.only()).singleElement().satisfies(response -> {
            assertThat(response.getStatus()).isEqualTo(Status.INDETERMINATE);
            assertThat(response.getError()).contains("EPERM").contains("not the leader");
        });
    }

    @Test
    void aReadIndexRequestForwardedToAFollowerIsAnsweredNotLeader() {
        processor.handleRequest(replies, request(Commands.readIndex()));

        assertThat(replies.only()).singleElement().satisfies(response -> {
            assertThat(response.getStatus()).isEqualTo(Status.NOT_LEADER);
            assertThat(response.getLeaderHint()).isEqualTo("10.0.0.2:7000");
        });
        assertThat(node.tasks).isEmpty();
        assertThat(node.reads).isEmpty();
    }
}
