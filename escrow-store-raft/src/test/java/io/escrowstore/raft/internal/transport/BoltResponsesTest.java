package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import org.junit.jupiter.api.Test;

/** The bolt this build ships still lets the store match responses on the I/O thread. */
class BoltResponsesTest {
    @Test
    void responsesOfBothRpcProtocolsAreMatchedOnTheIoThreadOnceApplied() throws Exception {
        BoltResponses.matchOnIoThread();

        assertThat(BoltResponses.onIoThread(RpcProtocol.PROTOCOL_CODE)).isTrue();
        assertThat(BoltResponses.onIoThread(RpcProtocolV2.PROTOCOL_CODE)).isTrue();
    }
}
