package io.escrowstore.raft.internal.transport;

import com.alipay.remoting.CustomSerializerManager;
import com.alipay.remoting.DefaultCustomSerializer;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.exception.SerializationException;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardReply;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bolt serializer for the store's own RPC messages (forwarded commands and admin requests, with
 * their answers): plain protobuf bytes, bounded in size, so they never fall back to bolt's Hessian
 * serializer. Registered once per JVM, by class name.
 */
public final class RpcSerializer extends DefaultCustomSerializer {
    /**
     * Largest message accepted: a forwarded batch carries at most {@link Commands#MAX_BATCH_BYTES}
     * of commands; the largest answer (a settlement of the most channels one entry may name, which
     * travels alone) stays well below this.
     */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    private static final RpcSerializer INSTANCE = new RpcSerializer();
    /** Messages refused unparsed (oversized, malformed, unexpected class), JVM-wide like the serializer. */
    private static final AtomicLong REFUSED = new AtomicLong();

    private RpcSerializer() {
    }

    private static boolean registered;

    /** Registers the serializer with bolt, once per JVM (bolt refuses a second registration). */
    public static synchronized void register() {
        if (registered) {
            return;
        }
        CustomSerializerManager.registerCustomSerializer(ForwardRequest.class.getName(), INSTANCE);
        CustomSerializerManager.registerCustomSerializer(ForwardReply.class.getName(), INSTANCE);
        CustomSerializerManager.registerCustomSerializer(AdminRequest.class.getName(), INSTANCE);
        CustomSerializerManager.registerCustomSerializer(AdminResponse.class.getName(), INSTANCE);
        registered = true;
    }

    @Override
    public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext ctx)
            throws SerializationException {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        cmd.setContent(((Message) cmd.getRequestObject()).toByteArray());
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean serializeContent(T response) throws SerializationException {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        cmd.setContent(((Message) cmd.getResponseObject()).toByteArray());
        return true;
    }

    @Override
    public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        cmd.setRequestObject(parse(cmd.getRequestClass(), cmd.getContent()));
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx)
            throws DeserializationException {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        cmd.setResponseObject(parse(cmd.getResponseClass(), cmd.getContent()));
        return true;
    }

    public static Message parse(String className, byte[] content) throws DeserializationException {
        try {
            return parseOrRefuse(className, content);
        } catch (DeserializationException e) {
            REFUSED.incrementAndGet();
            throw e;
        }
    }

    /** Messages this JVM refused to parse since it started; bolt answers each with an error. */
    public static long refused() {
        return REFUSED.get();
    }

    private static Message parseOrRefuse(String className, byte[] content) throws DeserializationException {
        byte[] bytes = content == null ? new byte[0] : content;
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new DeserializationException(className + " of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        try {
            if (ForwardRequest.class.getName().equals(className)) {
                return ForwardRequest.parseFrom(bytes);
            }
            if (ForwardReply.class.getName().equals(className)) {
                return ForwardReply.parseFrom(bytes);
            }
            if (AdminRequest.class.getName().equals(className)) {
                return AdminRequest.parseFrom(bytes);
            }
            if (AdminResponse.class.getName().equals(className)) {
                return AdminResponse.parseFrom(bytes);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new DeserializationException("malformed " + className + ": " + e.getMessage(), e);
        }
        throw new DeserializationException("unexpected message class " + className);
    }
}
