package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Settlement;
import io.escrowstore.Signature;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import io.escrowstore.raft.proto.EscrowProto.SnapshotHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.ledger.Reservation;
import io.escrowstore.raft.internal.ledger.Results;

class SnapshotFileTest {
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    @TempDir
    Path dir;

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 13);
        }
        return bytes;
    }

    static ChannelState channel(long i) {
        BigInteger id = i == 0 ? MAX : BigInteger.valueOf(i);
        BigInteger full = BigInteger.valueOf(1_000 + i);
        return new ChannelState(new ChannelId(id), BigInteger.valueOf(i % 7), new Address(pattern(20, (int) i)),
                new Address(pattern(20, (int) i + 1)), new Address(pattern(20, (int) i + 2)),
                new GroupId(pattern(32, 9)), full, BigInteger.valueOf(50_000 + i), BigInteger.valueOf(i % 1_000),
                i % 3 == 0 ? Optional.empty() : Optional.of(new Signature(pattern(65, (int) i))), i * 3);
    }

    static List<ChannelState> channels(int count) {
        List<ChannelState> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(channel(i));
        }
        return all;
    }

    /** A snapshot of channels only. */
    static SnapshotFile.Content content(long index, List<ChannelState> channels) {
        return new SnapshotFile.Content(index, 0, channels, List.of(), List.of(), List.of());
    }

    static Reservation reservation(long i) {
        return new Reservation(new ReservationId(1 + i), channel(i).channelId(), new RequestId("owner-" + i),
                BigInteger.valueOf(i % 7), BigInteger.valueOf(10 + i), new Signature(pattern(65, (int) i + 3)),
                BigInteger.valueOf(1 + i % 5), 1_700_000_000_000L + i, 30_000);
    }

    static Settlement settlement(long i) {
        return new Settlement(channel(i).channelId(), BigInteger.valueOf(i), i == 0 ? MAX : BigInteger.valueOf(i * 11),
                new Signature(pattern(65, (int) i + 5)));
    }

    static DedupMsg dedup(long i) {
        CommandResult result = Results.toMsg((ClaimResult) new Accepted(channel(i)));
        return DedupMsg.newBuilder().setRequestId("replica-" + i + "/" + i).setResult(result.toByteString())
                .setRecordedAtMillis(1_700_000_000_000L + i).setBodyHash(ByteString.copyFrom(pattern(32, (int) i)))
                .setKind(Command.BodyCase.CLAIM.getNumber()).build();
    }

    /** A snapshot with every section filled. */
    static SnapshotFile.Content full(int count) {
        List<Reservation> reservations = new ArrayList<>();
        List<Settlement> settlements = new ArrayList<>();
        List<DedupMsg> dedup = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            reservations.add(reservation(i));
            settlements.add(settlement(i));
            dedup.add(dedup(i));
        }
        return new SnapshotFile.Content(77, 1_700_000_123_456L, channels(count), reservations, settlements, dedup);
    }

    private Path written(int count, long index) throws IOException {
        Path file = dir.resolve(SnapshotFile.NAME);
        SnapshotFile.write(file, content(index, channels(count)));
        return file;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1_000})
    void writeThenReadReturnsEqualContent(int count) throws IOException {
        SnapshotFile.Content content = content(123_456_789_012L, channels(count));
        Path file = dir.resolve("snap-" + count);

        SnapshotFile.write(file, content);
        SnapshotFile.Content read = SnapshotFile.read(file);

        assertThat(read).isEqualTo(content);
        assertThat(read.lastIncludedIndex()).isEqualTo(123_456_789_012L);
        assertThat(read.channels()).hasSize(count).containsExactlyElementsOf(content.channels());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 500})
    void everySectionAndTheLogTimeRoundTrip(int count) throws IOException {
        SnapshotFile.Content content = full(count);
        Path file = dir.resolve("full-" + count);

        SnapshotFile.write(file, content);
        SnapshotFile.Content read = SnapshotFile.read(file);

        assertThat(read).isEqualTo(content);
        assertThat(read.logTimeMillis()).isEqualTo(1_700_000_123_456L);
        assertThat(read.reservations()).hasSize(count).containsExactlyElementsOf(content.reservations());
        assertThat(read.settlements()).hasSize(count).containsExactlyElementsOf(content.settlements());
        assertThat(read.dedup()).hasSize(count).containsExactlyElementsOf(content.dedup());
    }

    @Test
    void sectionsMayBeEmptyIndependently() throws IOException {
        SnapshotFile.Content all = full(2);
        List<SnapshotFile.Content> variants = List.of(
                new SnapshotFile.Content(1, 5, List.of(), all.reservations(), List.of(), List.of()),
                new SnapshotFile.Content(1, 5, List.of(), List.of(), all.settlements(), List.of()),
                new SnapshotFile.Content(1, 5, List.of(), List.of(), List.of(), all.dedup()),
                new SnapshotFile.Content(1, 5, all.channels(), List.of(), List.of(), all.dedup()));
        Path file = dir.resolve("variants.snap");
        for (SnapshotFile.Content variant : variants) {
            SnapshotFile.write(file, variant);
            assertThat(SnapshotFile.read(file)).isEqualTo(variant);
        }
    }

    @Test
    void flippingAnySingleByteOfAFullSnapshotIsDetected() throws IOException {
        Path file = dir.resolve("full.snap");
        SnapshotFile.write(file, full(2));
        byte[] original = Files.readAllBytes(file);

        for (int position = 0; position < original.length; position++) {
            byte[] corrupted = original.clone();
            corrupted[position] ^= 0x01;
            Files.write(file, corrupted);
            int at = position;
            assertThatThrownBy(() -> SnapshotFile.read(file))
                    .as("byte %d of %d", at, original.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void everyTruncationOfAFullSnapshotIsDetected() throws IOException {
        Path file = dir.resolve("full.snap");
        SnapshotFile.write(file, full(2));
        byte[] original = Files.readAllBytes(file);

        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            assertThatThrownBy(() -> SnapshotFile.read(file)).isInstanceOf(IOException.class);
        }
    }

    /** Writes magic, header and the given messages, each length-delimited, then a correct checksum. */
    private Path craftedMessages(SnapshotHeader header, List<? extends com.google.protobuf.MessageLite> messages)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("ESNP".getBytes(StandardCharsets.US_ASCII));
        header.writeDelimitedTo(body);
        for (com.google.protobuf.MessageLite message : messages) {
            message.writeDelimitedTo(body);
        }
        CRC32C crc = new CRC32C();
        crc.update(body.toByteArray());
        new DataOutputStream(body).writeInt((int) crc.getValue());
        Path file = dir.resolve("crafted-messages.snap");
        Files.write(file, body.toByteArray());
        return file;
    }

    @Test
    void recordedOutcomeWithAnInvalidRequestIdIsRefusedEvenWithAValidChecksum() throws IOException {
        SnapshotHeader header = SnapshotHeader.newBuilder().setFormatVersion(SnapshotFile.FORMAT_VERSION)
                .setLastIncludedIndex(5).setDedupCount(1).build();
        Path file = craftedMessages(header, List.of(dedup(1).toBuilder().setRequestId("has space").build()));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("requestId");
    }

    @Test
    void recordedOutcomeWithAnUnreadableResultIsRefusedEvenWithAValidChecksum() throws IOException {
        SnapshotHeader header = SnapshotHeader.newBuilder().setFormatVersion(SnapshotFile.FORMAT_VERSION)
                .setLastIncludedIndex(5).setDedupCount(1).build();
        DedupMsg bad = dedup(1).toBuilder().setResult(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build();
        Path file = craftedMessages(header, List.of(bad));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unreadable");
    }

    @Test
    void invalidReservationOrSettlementIsRefusedEvenWithAValidChecksum() throws IOException {
        SnapshotHeader oneReservation = SnapshotHeader.newBuilder().setFormatVersion(SnapshotFile.FORMAT_VERSION)
                .setLastIncludedIndex(5).setReservationCount(1).build();
        Path badReservation = craftedMessages(oneReservation,
                List.of(ProtoMapper.toMsg(reservation(1)).toBuilder().setReservationId(0).build()));
        assertThatThrownBy(() -> SnapshotFile.read(badReservation))
                .isInstanceOf(IOException.class).hasMessageContaining("reservationId");

        SnapshotHeader oneSettlement = SnapshotHeader.newBuilder().setFormatVersion(SnapshotFile.FORMAT_VERSION)
                .setLastIncludedIndex(5).setSettlementCount(1).build();
        Path badSettlement = craftedMessages(oneSettlement,
                List.of(ProtoMapper.toMsg(settlement(1)).toBuilder().setSignature(ByteString.EMPTY).build()));
        assertThatThrownBy(() -> SnapshotFile.read(badSettlement))
                .isInstanceOf(IOException.class).hasMessageContaining("signature");
    }

    @Test
    void sectionCountsThatDisagreeWithTheMessagesPresentAreRefused() throws IOException {
        SnapshotFile.Content content = full(2);
        List<com.google.protobuf.MessageLite> messages = new ArrayList<>();
        content.channels().forEach(c -> messages.add(ProtoMapper.toMsg(c)));
        content.reservations().forEach(r -> messages.add(ProtoMapper.toMsg(r)));
        content.settlements().forEach(x -> messages.add(ProtoMapper.toMsg(x)));
        messages.addAll(content.dedup());
        SnapshotHeader right = SnapshotHeader.newBuilder().setFormatVersion(SnapshotFile.FORMAT_VERSION)
                .setLastIncludedIndex(77).setLogTimeMillis(content.logTimeMillis()).setChannelCount(2)
                .setReservationCount(2).setSettlementCount(2).setDedupCount(2).build();
        assertThat(SnapshotFile.read(craftedMessages(right, messages))).isEqualTo(content);

        for (SnapshotHeader wrong : List.of(right.toBuilder().setReservationCount(3).build(),
                right.toBuilder().setSettlementCount(1).build(), right.toBuilder().setDedupCount(1).build(),
                right.toBuilder().setDedupCount(-1).build(), right.toBuilder().setChannelCount(3).build())) {
            Path file = craftedMessages(wrong, messages);
            assertThatThrownBy(() -> SnapshotFile.read(file)).as("%s", wrong).isInstanceOf(IOException.class);
        }
    }

    @Test
    void writingOverAnOlderLongerFileLeavesOnlyTheNewContent() throws IOException {
        Path file = written(1_000, 10);
        SnapshotFile.Content small = content(11, channels(2));

        SnapshotFile.write(file, small);

        assertThat(SnapshotFile.read(file)).isEqualTo(small);
    }

    @Test
    void fileStartsWithMagicAndEndsWithTheCrc32cOfTheRest() throws IOException {
        byte[] bytes = Files.readAllBytes(written(3, 5));

        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("ESNP");
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        assertThat(stored).isEqualTo((int) crc.getValue());
    }

    @Test
    void flippingAnySingleByteIsDetected() throws IOException {
        Path file = written(3, 99);
        byte[] original = Files.readAllBytes(file);

        for (int position = 0; position < original.length; position++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] corrupted = original.clone();
                corrupted[position] ^= (byte) mask;
                Files.write(file, corrupted);
                int at = position;
                assertThatThrownBy(() -> SnapshotFile.read(file))
                        .as("byte %d of %d xor %x", at, original.length, mask)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(file.toString());
            }
        }
    }

    @Test
    void flippingAByteInTheMiddleOfALargeSnapshotIsDetected() throws IOException {
        Path file = written(1_000, 7);
        byte[] original = Files.readAllBytes(file);

        for (int position : new int[] {original.length / 3, original.length / 2, original.length * 2 / 3}) {
            byte[] corrupted = original.clone();
            corrupted[position] ^= 0x10;
            Files.write(file, corrupted);
            assertThatThrownBy(() -> SnapshotFile.read(file))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        Path file = written(3, 99);
        byte[] original = Files.readAllBytes(file);

        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            int at = length;
            assertThatThrownBy(() -> SnapshotFile.read(file))
                    .as("first %d of %d bytes", at, original.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void truncatedEmptySnapshotIsDetected() throws IOException {
        Path file = written(0, 1);
        byte[] original = Files.readAllBytes(file);

        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            assertThatThrownBy(() -> SnapshotFile.read(file))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 5, 100})
    void appendedBytesAreDetected(int extra) throws IOException {
        Path file = written(3, 99);
        byte[] original = Files.readAllBytes(file);
        byte[] longer = Arrays.copyOf(original, original.length + extra);

        Files.write(file, longer);

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void appendingAValidCopyOfTheTailIsDetected() throws IOException {
        Path file = written(3, 99);
        byte[] original = Files.readAllBytes(file);
        byte[] doubled = Arrays.copyOf(original, original.length * 2);
        System.arraycopy(original, 0, doubled, original.length, original.length);

        Files.write(file, doubled);

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    /** Builds a file the way the writer does, but with chosen magic and header, and a correct checksum. */
    private Path crafted(byte[] magic, SnapshotHeader header, List<ChannelState> states) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(magic);
        header.writeDelimitedTo(body);
        for (ChannelState state : states) {
            ProtoMapper.toMsg(state).writeDelimitedTo(body);
        }
        CRC32C crc = new CRC32C();
        crc.update(body.toByteArray());
        new DataOutputStream(body).writeInt((int) crc.getValue());
        Path file = dir.resolve("crafted.snap");
        Files.write(file, body.toByteArray());
        return file;
    }

    private static SnapshotHeader header(int version, long count) {
        return SnapshotHeader.newBuilder().setFormatVersion(version).setLastIncludedIndex(5).setChannelCount(count)
                .build();
    }

    @Test
    void craftedFileWithTheWritersLayoutIsAccepted() throws IOException {
        Path file = crafted("ESNP".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION, 2),
                channels(2));

        assertThat(SnapshotFile.read(file)).isEqualTo(content(5, channels(2)));
    }

    @Test
    void wrongMagicIsRefusedEvenWithAValidChecksum() throws IOException {
        Path file = crafted("ESNQ".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION, 1),
                channels(1));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not an escrow-store snapshot");
    }

    @Test
    void unknownFormatVersionIsRefusedEvenWithAValidChecksum() throws IOException {
        Path file = crafted("ESNP".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION + 1, 1),
                channels(1));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("format version");
    }

    @Test
    void channelCountAboveTheChannelsPresentIsRefused() throws IOException {
        Path file = crafted("ESNP".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION, 3),
                channels(2));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void channelCountBelowTheChannelsPresentIsRefused() throws IOException {
        Path file = crafted("ESNP".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION, 1),
                channels(2));

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void negativeChannelCountIsRefused() throws IOException {
        Path file = crafted("ESNP".getBytes(StandardCharsets.US_ASCII), header(SnapshotFile.FORMAT_VERSION, -1),
                List.of());

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void invalidChannelValueIsRefusedAsIoException() throws IOException {
        ChannelState good = channel(1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("ESNP".getBytes(StandardCharsets.US_ASCII));
        header(SnapshotFile.FORMAT_VERSION, 1).writeDelimitedTo(body);
        ProtoMapper.toMsg(good).toBuilder().setRevision(-5).build().writeDelimitedTo(body);
        CRC32C crc = new CRC32C();
        crc.update(body.toByteArray());
        new DataOutputStream(body).writeInt((int) crc.getValue());
        Path file = dir.resolve("bad-value.snap");
        Files.write(file, body.toByteArray());

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("revision");
    }

    @Test
    void missingFileIsAnIoException() {
        Path missing = dir.resolve("nope.snap");

        assertThatThrownBy(() -> SnapshotFile.read(missing)).isInstanceOf(IOException.class);
    }

    @Test
    void emptyFileIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("empty.snap");
        Files.write(file, new byte[0]);

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }
}
