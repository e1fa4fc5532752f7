package io.escrowstore.raft.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.support.RateLimitedLog;

/**
 * Refuses a bolt frame whose header declares more bytes than a bound, before its body is
 * buffered. Bolt's decoder accumulates a frame until all its declared bytes have arrived, with no
 * limit of its own, so one peer could make a node hold gigabytes; this handler sits in front of it
 * (behind TLS, if any), follows the frame boundaries of both bolt protocols (v1 and v2, requests
 * and responses, v2's optional CRC) without copying, and closes the connection at the first header
 * over the bound, a negative length or an unknown protocol or command type. Refusals are counted
 * and logged at WARN, rate-limited.
 *
 * <p>The largest frames members send are Raft's AppendEntries (jraft sends at most about 512 KiB
 * of entries, plus one entry of at most 256 KiB) and our own messages (at most 1 MiB each), so
 * the default bound ({@code RaftStoreConfig.maxFrameBytes}, 4 MiB) leaves room for both.
 */
public final class FrameLimit {
    private static final Logger LOG = LoggerFactory.getLogger(FrameLimit.class);

    private final int maxFrameBytes;
    private final String name;
    private final AtomicLong refused = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    /** @param name the store's name, for log lines */
    public FrameLimit(int maxFrameBytes, String name) {
        if (maxFrameBytes < 64) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 64 but was " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.name = name;
    }

    /** A handler for one channel (it keeps that channel's framing state). */
    ChannelHandler newHandler() {
        return new Guard();
    }

    /** Connections closed for an oversized or malformed frame header since start. */
    public long refusedFrames() {
        return refused.get();
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    private final class Guard extends ChannelInboundHandlerAdapter {
        /** Bolt's fixed header is at most 24 bytes (v2 request). */
        private final byte[] header = new byte[24];
        private int headerBytes;
        /** Bytes of the current frame's body still to pass through. */
        private long bodyLeft;
        private boolean closed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed) {
                release(msg);
                return;
            }
            if (msg instanceof ByteBuf buf) {
                String refusal = scan(buf);
                if (refusal != null) {
                    closed = true;
                    buf.release();
                    long count = refused.incrementAndGet();
                    warnings.warn("frame-refused", "{}: closed the connection from {}: {} ({} so far)", name,
                            ctx.channel().remoteAddress(), refusal, count);
                    ctx.close();
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private void release(Object msg) {
            if (msg instanceof ByteBuf buf) {
                buf.release();
            }
        }

        /** Follows the frames in {@code buf} without consuming it; the reason to refuse, or null. */
        private String scan(ByteBuf buf) {
            int pos = buf.readerIndex();
            int end = buf.writerIndex();
            while (pos < end) {
                if (bodyLeft > 0) {
                    int n = (int) Math.min(bodyLeft, end - pos);
                    pos += n;
                    bodyLeft -= n;
                    continue;
                }
                header[headerBytes++] = buf.getByte(pos++);
                int fixed = fixedHeaderLength();
                if (fixed < 0) {
                    return "not a bolt frame header (protocol " + header[0] + ")";
                }
                if (fixed > 0 && headerBytes == fixed) {
                    long body = bodyLength(fixed);
                    headerBytes = 0;
                    if (body < 0 || body > maxFrameBytes - fixed) {
                        return "frame header declares " + body + " bytes, more than the bound of " + maxFrameBytes;
                    }
                    bodyLeft = body;
                }
            }
            return null;
        }

        /** The fixed header length of the frame begun in {@link #header}; 0 if not known yet, -1 if invalid. */
        private int fixedHeaderLength() {
            byte protocol = header[0];
            if (protocol == 1) {
                return headerBytes < 2 ? 0 : lengthFor(header[1], 22, 20);
            }
            if (protocol == 2) {
                return headerBytes < 3 ? 0 : lengthFor(header[2], 24, 22);
            }
            return -1;
        }

        private static int lengthFor(byte type, int request, int response) {
            // bolt's RpcCommandType: 0 response, 1 request, 2 one-way request
            return type == 1 || type == 2 ? request : type == 0 ? response : -1;
        }

        /** Class, header and content lengths, the last 8 header bytes; plus v2's CRC if switched on. */
        private long bodyLength(int fixed) {
            long classLength = (short) (((header[fixed - 8] & 0xff) << 8) | (header[fixed - 7] & 0xff));
            long headerLength = (short) (((header[fixed - 6] & 0xff) << 8) | (header[fixed - 5] & 0xff));
            long content = ((header[fixed - 4] & 0xff) << 24) | ((header[fixed - 3] & 0xff) << 16)
                    | ((header[fixed - 2] & 0xff) << 8) | (header[fixed - 1] & 0xff);
            if (classLength < 0 || headerLength < 0 || content < 0) {
                return -1;
            }
            // v2: version 2 at byte 1, switch byte 11, CRC switch bit 0
            boolean crc = header[0] == 2 && header[1] == 2 && (header[11] & 1) != 0;
            return classLength + headerLength + content + (crc ? 4 : 0);
        }
    }
}
