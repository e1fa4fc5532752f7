package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameLimitTest {
    private static final int BOUND = 1024;

    private final FrameLimit limit = new FrameLimit(BOUND, "test");
    private final EmbeddedChannel channel = new EmbeddedChannel(limit.newHandler());

    @Test
    void framesWithinTheBoundPassUnchangedWhateverTheirSplit() {
        byte[] first = frame(v1Request(10, 2, 100), 112);
        byte[] second = frame(v1Response(0, 0, 900), 900);
        byte[] third = frame(v2Request(2, 1, 4, 0, 10), 18); // v2 with CRC: 4 more bytes after the content
        byte[] stream = concat(first, second, third, frame(v1Request(0, 0, 0), 0));
        int received = 0;
        for (int i = 0; i < stream.length; i += 7) {
            channel.writeInbound(Unpooled.wrappedBuffer(stream, i, Math.min(7, stream.length - i)));
        }
        for (ByteBuf buf; (buf = channel.readInbound()) != null; buf.release()) {
            received += buf.readableBytes();
        }
        assertThat(received).isEqualTo(stream.length);
        assertThat(channel.isActive()).isTrue();
        assertThat(limit.refusedFrames()).isZero();
    }

    @Test
    void headerDeclaringMoreThanTheBoundClosesTheConnectionBeforeItsBody() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(v1Request(0, 0, 100), 100)));
        channel.writeInbound(Unpooled.wrappedBuffer(v1Request(0, 0, BOUND)));

        assertThat(channel.isActive()).isFalse();
        assertThat(limit.refusedFrames()).isEqualTo(1);
        ByteBuf passed = channel.readInbound();
        assertThat(passed.readableBytes()).as("only the first frame reached bolt").isEqualTo(22 + 100);
        passed.release();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void negativeLengthsAndUnknownProtocolsAreRefused() {
        for (byte[] hostile : new byte[][] {v1Request(0, 0, -1), v1Request(-1, 0, 0), v2Request(2, 0, 0, 0xffff, 0),
                {9, 1, 0, 0}}) {
            EmbeddedChannel fresh = new EmbeddedChannel(limit.newHandler());
            fresh.writeInbound(Unpooled.wrappedBuffer(hostile));
            assertThat(fresh.isActive()).isFalse();
        }
        assertThat(limit.refusedFrames()).isEqualTo(4);
    }

    /** A bolt v1 request header: proto, type, cmd, ver2, id, codec, timeout, class, header, content lengths. */
    static byte[] v1Request(int classLength, int headerLength, int contentLength) {
        return ByteBuffer.allocate(22).put((byte) 1).put((byte) 1).putShort((short) 2).put((byte) 1).putInt(7)
                .put((byte) 11).putInt(1000).putShort((short) classLength).putShort((short) headerLength)
                .putInt(contentLength).array();
    }

    private static byte[] v1Response(int classLength, int headerLength, int contentLength) {
        return ByteBuffer.allocate(20).put((byte) 1).put((byte) 0).putShort((short) 2).put((byte) 1).putInt(7)
                .put((byte) 11).putShort((short) 0).putShort((short) classLength).putShort((short) headerLength)
                .putInt(contentLength).array();
    }

    private static byte[] v2Request(int version, int protocolSwitch, int classLength, int headerLength,
            int contentLength) {
        return ByteBuffer.allocate(24).put((byte) 2).put((byte) version).put((byte) 1).putShort((short) 2)
                .put((byte) 1).putInt(7).put((byte) 11).put((byte) protocolSwitch).putInt(1000)
                .putShort((short) classLength).putShort((short) headerLength).putInt(contentLength).array();
    }

    private static byte[] frame(byte[] header, int bodyBytes) {
        return concat(header, new byte[bodyBytes]);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }
}
