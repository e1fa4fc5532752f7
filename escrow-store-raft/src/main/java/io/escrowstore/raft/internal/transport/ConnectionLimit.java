package io.escrowstore.raft.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * Bounds the connections a node accepts: at most {@code maxPerAddress} open at once from one peer
 * address, and, with TLS, at most {@code maxHandshakes} handshakes in progress at once over all
 * peers. A connection over either bound is closed as soon as it is accepted, before any handshake
 * work or decoding; refusals are counted and logged at WARN, rate-limited. Its handler must come
 * first in the pipeline, before TLS.
 */
public final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int maxPerAddress;
    private final int maxHandshakes;
    private final String name;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    /** @param name the store's name, for log lines */
    public ConnectionLimit(int maxPerAddress, int maxHandshakes, String name) {
        this.maxPerAddress = maxPerAddress;
        this.maxHandshakes = maxHandshakes;
        this.name = name;
    }

    /**
     * The handlers of one accepted channel: {@code front} goes first in the pipeline; with TLS,
     * {@code afterTls} goes after the {@code SslHandler}, where the end of the handshake is seen.
     */
    record Handlers(ChannelHandler front, ChannelHandler afterTls) {
    }

    Handlers newHandlers(boolean tls) {
        Guard guard = new Guard(tls);
        return new Handlers(guard, new HandshakeEnd(guard));
    }

    /** Sees the handshake's end (success or failure), which the SslHandler fires towards the tail. */
    private static final class HandshakeEnd extends ChannelInboundHandlerAdapter {
        private final Guard guard;

        HandshakeEnd(Guard guard) {
            this.guard = guard;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent) {
                guard.handshakeOver();
            }
            super.userEventTriggered(ctx, event);
        }
    }

    /** Connections closed for a bound since start. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Accepted connections open now. */
    public int openConnections() {
        return connections.get();
    }

    private final class Guard extends ChannelInboundHandlerAdapter {
        private final boolean tls;
        private InetAddress address;
        private boolean inHandshake;

        Guard(boolean tls) {
            this.tls = tls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress()
                    : null;
            int fromPeer = peer == null ? 0 : open.computeIfAbsent(peer, p -> new AtomicInteger()).incrementAndGet();
            address = peer;
            connections.incrementAndGet();
            if (tls) {
                inHandshake = true;
                handshaking.incrementAndGet();
            }
            String over = fromPeer > maxPerAddress ? fromPeer + " connections from " + peer + " (bound "
                    + maxPerAddress + ")"
                    : tls && handshaking.get() > maxHandshakes ? handshaking.get() + " handshakes in progress (bound "
                            + maxHandshakes + ")" : null;
            if (over != null) {
                long count = refused.incrementAndGet();
                warnings.warn("connection-refused", "{}: closed a connection from {}: {} ({} so far)", name,
                        ctx.channel().remoteAddress(), over, count);
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshakeOver();
            connections.decrementAndGet();
            if (address != null) {
                open.computeIfPresent(address, (p, count) -> count.decrementAndGet() == 0 ? null : count);
            }
            super.channelInactive(ctx);
        }

        /** Runs on the channel's event loop, as every call of this guard does. */
        void handshakeOver() {
            if (inHandshake) {
                inHandshake = false;
                handshaking.decrementAndGet();
            }
        }
    }
}
