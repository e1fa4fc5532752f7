package io.escrowstore.raft.internal.replication;

import io.escrowstore.ChannelState;
import com.google.protobuf.Parser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.escrowstore.RequestId;
import io.escrowstore.Settlement;
import io.escrowstore.raft.proto.EscrowProto.ChannelStateMsg;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import io.escrowstore.raft.proto.EscrowProto.ReservationMsg;
import io.escrowstore.raft.proto.EscrowProto.SettlementMsg;
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
import java.util.function.Function;
import java.util.zip.CheckedOutputStream;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.ledger.Reservation;
import io.escrowstore.raft.internal.transport.RpcSerializer;

/**
 * The state-machine snapshot on disk: {@code "ESNP"}, a length-delimited {@link SnapshotHeader},
 * then length-delimited messages: one {@link ChannelStateMsg} per channel, one
 * {@link ReservationMsg} per reservation, one {@link SettlementMsg} per pending settlement and one
 * {@link DedupMsg} per recorded request outcome (oldest first), then the CRC32C of everything
 * before it (4 bytes, big-endian). Written and fsynced in one go; a reader refuses any file whose
 * checksum, header or format version does not match.
 */
public final class SnapshotFile {
    public static final String NAME = "channels.snap";
    static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "ESNP".getBytes(StandardCharsets.US_ASCII);

    /**
     * The content of a snapshot: the whole replicated state at one log index.
     *
     * @param dedupEvictedThrough the deduplication table's eviction watermark ({@link DedupTable#evictedThrough()});
     *     a snapshot of an older build has none and reads as 0
     */
    record Content(long lastIncludedIndex, long logTimeMillis, List<ChannelState> channels,
            List<Reservation> reservations, List<Settlement> settlements, List<DedupMsg> dedup,
            long dedupEvictedThrough) {

        /** Content whose deduplication table never evicted an outcome. */
        Content(long lastIncludedIndex, long logTimeMillis, List<ChannelState> channels,
                List<Reservation> reservations, List<Settlement> settlements, List<DedupMsg> dedup) {
            this(lastIncludedIndex, logTimeMillis, channels, reservations, settlements, dedup, 0);
        }
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
            // one CodedOutputStream for the file: writeDelimitedTo would allocate a buffer per message
            CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
            writeDelimited(coded, SnapshotHeader.newBuilder()
                    .setFormatVersion(FORMAT_VERSION)
                    .setLastIncludedIndex(content.lastIncludedIndex())
                    .setChannelCount(content.channels().size())
                    .setLogTimeMillis(content.logTimeMillis())
                    .setReservationCount(content.reservations().size())
                    .setSettlementCount(content.settlements().size())
                    .setDedupCount(content.dedup().size())
                    .setDedupEvictedThrough(content.dedupEvictedThrough())
                    .build());
            for (ChannelState state : content.channels()) {
                writeDelimited(coded, ProtoMapper.toMsg(state));
            }
            for (Reservation reservation : content.reservations()) {
                writeDelimited(coded, ProtoMapper.toMsg(reservation));
            }
            for (Settlement settlement : content.settlements()) {
                writeDelimited(coded, ProtoMapper.toMsg(settlement));
            }
            for (DedupMsg entry : content.dedup()) {
                writeDelimited(coded, entry);
            }
            coded.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            raw.flush();
            channel.force(true);
        }
    }

    /** The same bytes as {@link MessageLite#writeDelimitedTo}. */
    private static void writeDelimited(CodedOutputStream out, MessageLite message) throws IOException {
        out.writeUInt32NoTag(message.getSerializedSize());
        message.writeTo(out);
    }

    /**
     * Checks magic, format version and checksum without building the state: cheap enough to run
     * before the node starts, so a corrupted snapshot is refused before jraft opens anything.
     *
     * @return the log index the snapshot was taken at, from its header
     * @throws IOException naming the file and what is wrong with it
     */
    public static long verify(Path file) throws IOException {
        long size = Files.size(file);
        if (size < MAGIC.length + 4) {
            throw new IOException("snapshot " + file + " is truncated (" + size + " bytes)");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32C crc = new CRC32C();
            InputStream body = new CheckedInputStream(new BoundedInputStream(raw, size - 4), crc);
            byte[] magic = body.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("snapshot " + file + " is not an escrow-store snapshot");
            }
            SnapshotHeader header;
            try {
                header = SnapshotHeader.parseDelimitedFrom(body);
            } catch (IOException e) {
                throw new IOException("snapshot " + file + " has a corrupted header: " + e.getMessage(), e);
            }
            if (header == null || header.getFormatVersion() != FORMAT_VERSION) {
                throw new IOException("snapshot " + file + " has format version "
                        + (header == null ? "none" : header.getFormatVersion()) + "; this build reads " + FORMAT_VERSION);
            }
            body.transferTo(OutputStream.nullOutputStream());
            int expected = new DataInputStream(raw).readInt();
            if (expected != (int) crc.getValue()) {
                throw new IOException("snapshot " + file + " failed its checksum: stored "
                        + Integer.toHexString(expected) + ", computed " + Integer.toHexString((int) crc.getValue()));
            }
            return header.getLastIncludedIndex();
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
        // one CodedInputStream for the records: parseDelimitedFrom would allocate a buffer per message
        CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
        List<ChannelState> channels = readAll(coded, header.getChannelCount(), "channels",
                ChannelStateMsg.parser(), ProtoMapper::fromMsg);
        List<Reservation> reservations = readAll(coded, header.getReservationCount(), "reservations",
                ReservationMsg.parser(), ProtoMapper::fromMsg);
        List<Settlement> settlements = readAll(coded, header.getSettlementCount(), "settlements",
                SettlementMsg.parser(), ProtoMapper::fromMsg);
        List<DedupMsg> dedup = readAll(coded, header.getDedupCount(), "request outcomes", DedupMsg.parser(),
                SnapshotFile::checked);
        if (!coded.isAtEnd()) {
            throw new IOException("trailing bytes after the last record (the header counts fewer)");
        }
        return new Content(header.getLastIncludedIndex(), header.getLogTimeMillis(), channels, reservations,
                settlements, dedup, header.getDedupEvictedThrough());
    }

    /** A recorded outcome whose request id and result are readable, so loading it cannot fail halfway. */
    private static DedupMsg checked(DedupMsg entry) {
        new RequestId(entry.getRequestId());
        try {
            CommandResult.parseFrom(entry.getResult());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("recorded outcome of " + entry.getRequestId() + " is unreadable", e);
        }
        return entry;
    }

    private static <M, T> List<T> readAll(CodedInputStream in, long count, String what, Parser<M> parser,
            Function<M, T> convert) throws IOException {
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IOException("impossible count of " + what + ": " + count);
        }
        List<T> items = new ArrayList<>((int) Math.min(count, 1 << 20));
        for (long i = 0; i < count; i++) {
            if (in.isAtEnd()) {
                throw new EOFException("ended after " + i + " of " + count + " " + what);
            }
            int length = in.readRawVarint32();
            if (length < 0 || length > RpcSerializer.MAX_MESSAGE_BYTES) {
                throw new IOException("record " + i + " of " + what + " claims " + length + " bytes");
            }
            int outer = in.pushLimit(length);
            M msg = parser.parseFrom(in);
            if (in.getBytesUntilLimit() != 0) {
                throw new IOException("record " + i + " of " + what + " is shorter than its " + length + " bytes");
            }
            in.popLimit(outer);
            in.resetSizeCounter();
            items.add(convert.apply(msg));
        }
        return items;
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
