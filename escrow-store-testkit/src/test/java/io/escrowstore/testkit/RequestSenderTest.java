package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.ReadIndexRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.RequestVoteRequest;
import com.alipay.sofa.jraft.util.Endpoint;
import org.junit.jupiter.api.Test;

/** Which requests name their sender, so the link table can check the client's owner against it. */
class RequestSenderTest {
    @Test
    void voteAndAppendEntriesRequestsNameTheirSender() {
        assertThat(RequestSender.of(RequestVoteRequest.newBuilder().setServerId("127.0.0.1:7001")
                .setPeerId("127.0.0.1:7002").buildPartial())).isEqualTo(new Endpoint("127.0.0.1", 7001));
        assertThat(RequestSender.of(AppendEntriesRequest.newBuilder().setServerId("127.0.0.1:7003")
                .setPeerId("127.0.0.1:7001").buildPartial())).isEqualTo(new Endpoint("127.0.0.1", 7003));
    }

    @Test
    void aReadIndexRequestNamesNoSenderBecauseAFollowerRelaysItUnchanged() {
        ReadIndexRequest relayed = ReadIndexRequest.newBuilder().setGroupId("g").setServerId("127.0.0.1:7002")
                .setPeerId("127.0.0.1:7001").build();

        assertThat(RequestSender.of(relayed)).isNull();
    }

    @Test
    void requestsWithoutAServerIdNameNoSender() {
        assertThat(RequestSender.of(PingRequest.newBuilder().setSendTimestamp(1).build())).isNull();
        assertThat(RequestSender.of(RequestVoteRequest.newBuilder().buildPartial())).isNull();
        assertThat(RequestSender.of("not a message")).isNull();
    }
}
