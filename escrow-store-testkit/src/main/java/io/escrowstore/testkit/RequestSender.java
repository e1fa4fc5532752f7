package io.escrowstore.testkit;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RpcRequests.ReadIndexRequest;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * The sender a jraft request names itself: the {@code server_id} field that vote, append-entries,
 * install-snapshot and timeout-now requests carry. Ping, get-file and the store's forwarded
 * commands carry none. A read-index request names the node whose read it serves, not its sender:
 * a follower that receives one while it does not lead relays it to the leader it knows of
 * unchanged ({@code NodeImpl.readFollower}), so it names no sender here.
 */
final class RequestSender {
    private RequestSender() {
    }

    /** The endpoint in {@code request}'s {@code server_id}, or null if it has none. */
    static Endpoint of(Object request) {
        if (!(request instanceof Message message) || request instanceof ReadIndexRequest) {
            return null;
        }
        FieldDescriptor field = message.getDescriptorForType().findFieldByName("server_id");
        if (field == null || field.getJavaType() != FieldDescriptor.JavaType.STRING || !message.hasField(field)) {
            return null;
        }
        PeerId peer = new PeerId();
        return peer.parse((String) message.getField(field)) ? peer.getEndpoint() : null;
    }
}
