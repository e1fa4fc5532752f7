package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import org.junit.jupiter.api.Test;

class RoleCheckingRpcServerTest {
    private static final AdminRequest DESCRIBE = AdminRequest.newBuilder().setKind(AdminRequest.Kind.DESCRIBE).build();

    @Test
    void operatorMaySendEveryAdminRequestAndNothingElse() {
        for (AdminRequest.Kind kind : AdminRequest.Kind.values()) {
            if (kind != AdminRequest.Kind.UNRECOGNIZED) {
                assertThat(RoleCheckingRpcServer.allowed(PeerRole.OPERATOR, AdminRequest.newBuilder().setKind(kind)
                        .build())).as("%s", kind).isTrue();
            }
        }
        assertThat(RoleCheckingRpcServer.allowed(PeerRole.OPERATOR, ForwardRequest.getDefaultInstance())).isFalse();
        assertThat(RoleCheckingRpcServer.allowed(PeerRole.OPERATOR, AppendEntriesRequest.getDefaultInstance()))
                .isFalse();
    }

    @Test
    void memberMaySendRaftForwardAndStatusButNoChange() {
        assertThat(RoleCheckingRpcServer.allowed(PeerRole.MEMBER, ForwardRequest.getDefaultInstance())).isTrue();
        assertThat(RoleCheckingRpcServer.allowed(PeerRole.MEMBER, AppendEntriesRequest.getDefaultInstance())).isTrue();
        assertThat(RoleCheckingRpcServer.allowed(PeerRole.MEMBER, DESCRIBE)).isTrue();
        for (AdminRequest.Kind change : new AdminRequest.Kind[] {AdminRequest.Kind.ADD_MEMBER,
                AdminRequest.Kind.REMOVE_MEMBER, AdminRequest.Kind.REPLACE_MEMBER,
                AdminRequest.Kind.TRANSFER_LEADERSHIP, AdminRequest.Kind.KIND_UNSPECIFIED}) {
            assertThat(RoleCheckingRpcServer.allowed(PeerRole.MEMBER, AdminRequest.newBuilder().setKind(change)
                    .build())).as("%s", change).isFalse();
        }
    }

    @Test
    void connectionWithoutARoleMaySendNothing() {
        assertThat(RoleCheckingRpcServer.allowed(null, DESCRIBE)).isFalse();
        assertThat(RoleCheckingRpcServer.allowed(null, ForwardRequest.getDefaultInstance())).isFalse();
    }
}
