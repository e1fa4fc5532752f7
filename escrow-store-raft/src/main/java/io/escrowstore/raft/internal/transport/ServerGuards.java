package io.escrowstore.raft.internal.transport;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import com.alipay.remoting.config.BoltGenericOption;
import io.netty.channel.ChannelHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The handlers a node puts in front of bolt's on every connection its Raft port accepts, through
 * bolt's per-instance {@code EXTENDED_NETTY_CHANNEL_HANDLER} option, in this order: the
 * {@link ConnectionLimit} (before any other work), then with TLS the {@link TransportSecurity}
 * handshake, then the {@link FrameLimit} (on the decrypted bytes).
 */
public final class ServerGuards {
    private final ConnectionLimit connections;
    private final FrameLimit frames;
    private final TransportSecurity security;

    /** @param security the TLS identity, or null for a plaintext port */
    public ServerGuards(ConnectionLimit connections, FrameLimit frames, TransportSecurity security) {
        this.connections = connections;
        this.frames = frames;
        this.security = security;
    }

    public void install(com.alipay.remoting.rpc.RpcServer server) {
        server.option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER, new ExtendedNettyChannelHandler() {
            @Override
            public List<ChannelHandler> frontChannelHandlers() {
                ConnectionLimit.Handlers limit = connections.newHandlers(security != null);
                List<ChannelHandler> handlers = new ArrayList<>();
                handlers.add(limit.front());
                if (security != null) {
                    handlers.addAll(security.serverHandlers());
                    handlers.add(limit.afterTls());
                }
                handlers.add(frames.newHandler());
                return handlers;
            }

            @Override
            public List<ChannelHandler> backChannelHandlers() {
                return List.of();
            }
        });
    }
}
