package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleCheckingRpcServerTest {
    private static final AdminRequest DESCRIBE = AdminRequest.newBuilder().setKind(AdminRequest.Kind.DESCRIBE).build();
    private static final PeerRole.Peer OPERATOR = new PeerRole.Peer(PeerRole.OPERATOR, Set.of("alice"));
    private static final PeerRole.Peer MEMBER = new PeerRole.Peer(PeerRole.MEMBER, Set.of("10.0.0.1"));

    @Test
    void operatorMaySendEveryAdminRequestAndNothingElse() {
        for (AdminRequest.Kind kind : AdminRequest.Kind.values()) {
            if (kind != AdminRequest.Kind.UNRECOGNIZED) {
                assertThat(RoleCheckingRpcServer.allowed(OPERATOR, AdminRequest.newBuilder().setKind(kind)
                        .build())).as("%s", kind).isTrue();
            }
        }
        assertThat(RoleCheckingRpcServer.allowed(OPERATOR, ForwardRequest.getDefaultInstance())).isFalse();
        assertThat(RoleCheckingRpcServer.allowed(OPERATOR, append("10.0.0.1:7001")))
                .isFalse();
    }

    @Test
    void memberMaySendRaftForwardAndStatusButNoChange() {
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, ForwardRequest.getDefaultInstance())).isTrue();
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, append("10.0.0.1:7001"))).isTrue();
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, DESCRIBE)).isTrue();
        for (AdminRequest.Kind change : new AdminRequest.Kind[] {AdminRequest.Kind.ADD_MEMBER,
                AdminRequest.Kind.REMOVE_MEMBER, AdminRequest.Kind.REPLACE_MEMBER,
                AdminRequest.Kind.TRANSFER_LEADERSHIP, AdminRequest.Kind.KIND_UNSPECIFIED}) {
            assertThat(RoleCheckingRpcServer.allowed(MEMBER, AdminRequest.newBuilder().setKind(change)
                    .build())).as("%s", change).isFalse();
        }
    }

    @Test
    void memberMaySendRaftMessagesOnlyInItsOwnName() {
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, vote("10.0.0.1:7001"))).isTrue();
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, vote("10.0.0.2:7001"))).as("speaking for another member")
                .isFalse();
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, append("10.0.0.2:7001"))).isFalse();
        assertThat(RoleCheckingRpcServer.allowed(MEMBER, vote("not a peer id"))).isFalse();
    }

    private static AppendEntriesRequest append(String from) {
        return AppendEntriesRequest.newBuilder().setGroupId("g").setServerId(from).setPeerId("10.0.0.3:7001")
                .setTerm(1).setPrevLogIndex(0).setPrevLogTerm(0).setCommittedIndex(0).build();
    }

    private static RequestVoteRequest vote(String from) {
        return RequestVoteRequest.newBuilder().setGroupId("g").setServerId(from).setPeerId("10.0.0.3:7001")
                .setTerm(1).setLastLogIndex(0).setLastLogTerm(0).setPreVote(false).build();
    }

    @Test
    void connectionWithoutARoleMaySendNothing() {
        assertThat(RoleCheckingRpcServer.allowed(null, DESCRIBE)).isFalse();
        assertThat(RoleCheckingRpcServer.allowed(null, ForwardRequest.getDefaultInstance())).isFalse();
    }
}
