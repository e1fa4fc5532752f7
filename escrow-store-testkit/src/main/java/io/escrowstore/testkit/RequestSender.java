package io.escrowstore.testkit;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * The sender a jraft request names itself: the {@code server_id} field that vote, append-entries,
 * install-snapshot, timeout-now and read-index requests carry. Ping, get-file and the store's
 * forwarded commands carry none.
 */
final class RequestSender {
    private RequestSender() {
    }

    /** The endpoint in {@code request}'s {@code server_id}, or null if it has none. */
    static Endpoint of(Object request) {
        if (!(request instanceof Message message)) {
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
