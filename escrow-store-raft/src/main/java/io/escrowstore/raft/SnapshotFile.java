package io.escrowstore.raft;

import io.escrowstore.ChannelState;
import io.escrowstore.raft.proto.EscrowProto.ChannelStateMsg;
import io.escrowstore.raft.proto.EscrowProto.SnapshotHeader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The state-machine snapshot on disk: {@code "ESNP"}, a length-delimited {@link SnapshotHeader},
 * one length-delimited {@link ChannelStateMsg} per channel, then the CRC32C of everything before
 * it (4 bytes, big-endian). Written and fsynced in one go; a reader refuses any file whose
 * checksum, header or format version does not match.
 */
final class SnapshotFile {
    static final String NAME = "channels.snap";
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "ESNP".getBytes(StandardCharsets.US_ASCII);

    /** The content of a snapshot. */
    record Content(long lastIncludedIndex, List<ChannelState> channels) {
    }

    private SnapshotFile() {
    }

    static void write(Path file, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            CRC32C crc = new CRC32C();
            CheckedOutputStream out = new CheckedOutputStream(raw, crc);
            out.write(MAGIC);
            SnapshotHeader.newBuilder()
                    .setFormatVersion(FORMAT_VERSION)
                    .setLastIncludedIndex(content.lastIncludedIndex())
                    .setChannelCount(content.channels().size())
                    .build()
                    .writeDelimitedTo(out);
            for (ChannelState state : content.channels()) {
                ProtoMapper.toMsg(state).writeDelimitedTo(out);
            }
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            raw.flush();
            channel.force(true);
        }
    }

    /** @throws IOException if the file is missing, truncated, corrupted or of an unknown format */
    static Content read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < MAGIC.length + 4) {
            throw new IOException("snapshot " + file + " is truncated (" + size + " bytes)");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32C crc = new CRC32C();
            InputStream body = new CheckedInputStream(new BoundedInputStream(raw, size - 4), crc);
            Content content;
            try {
                content = parse(body);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("snapshot " + file + " is corrupted: " + e.getMessage(), e);
            }
            if (body.read() != -1) {
                throw new IOException("snapshot " + file + " has trailing bytes after its last channel");
            }
            int expected = new DataInputStream(raw).readInt();
            if (expected != (int) crc.getValue()) {
                throw new IOException("snapshot " + file + " failed its checksum: stored "
                        + Integer.toHexString(expected) + ", computed " + Integer.toHexString((int) crc.getValue()));
            }
            return content;
        }
    }

    private static Content parse(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an escrow-store snapshot");
        }
        SnapshotHeader header = SnapshotHeader.parseDelimitedFrom(in);
        if (header == null) {
            throw new EOFException("no header");
        }
        if (header.getFormatVersion() != FORMAT_VERSION) {
            throw new IOException("snapshot format version " + header.getFormatVersion()
                    + " is not supported (this build reads " + FORMAT_VERSION + ")");
        }
        long count = header.getChannelCount();
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IOException("impossible channel count " + count);
        }
        List<ChannelState> channels = new ArrayList<>((int) Math.min(count, 1 << 20));
        for (long i = 0; i < count; i++) {
            ChannelStateMsg msg = ChannelStateMsg.parseDelimitedFrom(in);
            if (msg == null) {
                throw new EOFException("ended after " + i + " of " + count + " channels");
            }
            channels.add(ProtoMapper.fromMsg(msg));
        }
        return new Content(header.getLastIncludedIndex(), channels);
    }

    /** Reads at most {@code limit} bytes of the underlying stream, leaving the rest unread. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
