package io.escrowstore.raft.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.escrowstore.ChannelId;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.LogEntry;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.replication.Entries;

/** The log entry envelope: one leader stamp and the encoded commands it carries, and what a reader refuses. */
class LogEntryCodecTest {
    private static final EntryStamp LEADER = EntryStamp.newBuilder().setLeaderTimeMillis(1_700_000_000_000L)
            .setDedupMaxEntries(200_000).setDedupRetentionMillis(600_000).build();

    private static byte[] sync(long channel) {
        return Commands.sync(CodecTest.chain(BigInteger.valueOf(channel)), new RequestId("sync/" + channel));
    }

    private static byte[] claim(long channel) {
        return Commands.claim(CodecTest.claim(BigInteger.valueOf(channel)));
    }

    /** {@code command} grown to exactly {@code size} bytes with an unknown field, as a newer build might send. */
    private static byte[] padded(byte[] command, int size) {
        int lengthBytes = 1;
        while (lengthBytes < 5
                && CodedOutputStream.computeUInt32SizeNoTag(size - command.length - 2 - lengthBytes) != lengthBytes) {
            lengthBytes++;
        }
        int fill = size - command.length - 2 - lengthBytes;
        byte[] bytes = Command.newBuilder(decode(command)).setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[fill]))
                        .build())
                .build()).build().toByteArray();
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    private static Command decode(byte[] command) {
        return Commands.decode(ByteBuffer.wrap(command));
    }

    private static Commands.Entry decodeEntry(byte[] entry) {
        return Commands.decodeEntry(ByteBuffer.wrap(entry));
    }

    private static LogEntry.Builder entry() {
        return LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION).setStamp(LEADER);
    }

    @Nested
    class RoundTrips {
        @Test
        void severalCommandsKeepTheirOrderAndTheirBytes() {
            List<byte[]> commands = List.of(sync(1), claim(2), Commands.commit(new ReservationId(3)), sync(4));

            Commands.Entry decoded = decodeEntry(Commands.entry(commands, LEADER));

            assertThat(decoded.stamp()).isEqualTo(LEADER);
            assertThat(decoded.commands())
                    .containsExactlyElementsOf(commands.stream().map(ByteString::copyFrom).toList());
            assertThat(decoded.commands().stream().map(Commands::decode).toList())
                    .containsExactlyElementsOf(commands.stream().map(LogEntryCodecTest::decode).toList());
        }

        @Test
        void theEntryIsWrittenInTheFormatVersionThisBuildReads() throws Exception {
            LogEntry entry = LogEntry.parseFrom(Commands.entry(List.of(sync(1)), LEADER));

            assertThat(entry.getFormatVersion()).isEqualTo(Commands.ENTRY_FORMAT_VERSION).isEqualTo(2);
        }

        @Test
        void decodingHonoursTheBufferPositionAndDoesNotConsumeIt() {
            byte[] entry = Commands.entry(List.of(sync(1), claim(1)), LEADER);
            byte[] framed = new byte[entry.length + 7];
            System.arraycopy(entry, 0, framed, 4, entry.length);
            ByteBuffer buffer = ByteBuffer.wrap(framed, 4, entry.length);

            Commands.Entry first = Commands.decodeEntry(buffer);
            Commands.Entry second = Commands.decodeEntry(buffer);

            assertThat(first).isEqualTo(second);
            assertThat(buffer.position()).isEqualTo(4);
        }

        @Test
        void theFullestBatchIsAnEntryEveryReplicaAccepts() {
            int size = Commands.MAX_BATCH_BYTES / Commands.MAX_BATCH_COMMANDS;
            List<byte[]> commands = new ArrayList<>();
            for (int i = 0; i < Commands.MAX_BATCH_COMMANDS; i++) {
                commands.add(padded(sync(i), size));
            }

            Commands.Entry decoded = decodeEntry(Commands.entry(commands, LEADER));

            assertThat(decoded.commands()).hasSize(Commands.MAX_BATCH_COMMANDS)
                    .allSatisfy(command -> assertThat(Commands.decode(command).hasSync()).isTrue());
        }

        @Test
        void theLargestCommandAloneIsAnEntryEveryReplicaAccepts() {
            byte[] largest = padded(sync(1), Commands.MAX_COMMAND_BYTES);

            assertThat(decodeEntry(Commands.entry(List.of(largest), LEADER)).commands())
                    .containsExactly(ByteString.copyFrom(largest));
        }
    }

    @Test
    void noBytesAtAllIsTheNoOpEntryWithoutStampOrCommands() {
        ByteBuffer consumed = ByteBuffer.wrap(Commands.entry(List.of(sync(1)), LEADER));
        consumed.position(consumed.limit());

        for (ByteBuffer empty : new ByteBuffer[] {null, ByteBuffer.allocate(0), consumed}) {
            Commands.Entry decoded = Commands.decodeEntry(empty);

            assertThat(decoded).isSameAs(Commands.Entry.NOOP);
            assertThat(decoded.commands()).isEmpty();
            assertThat(decoded.stamp().getLeaderTimeMillis()).isZero();
        }
    }

    @Nested
    class Refusals {

        @Test
        void notAnEntry() {
            assertThatThrownBy(() -> decodeEntry(new byte[] {0x12, 0x7f, 0x01}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a log entry");
        }

        @Test
        void anotherFormatVersion() {
            for (int version : new int[] {0, Commands.ENTRY_FORMAT_VERSION + 1, Integer.MAX_VALUE}) {
                byte[] bytes = entry().setFormatVersion(version).addCommands(ByteString.copyFrom(sync(1))).build()
                        .toByteArray();

                assertThatThrownBy(() -> decodeEntry(bytes))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("entry format version " + version + " is not supported");
            }
        }

        @Test
        void noLeaderStamp() {
            List<LogEntry.Builder> unstamped = List.of(
                    entry().clearStamp(),
                    entry().setStamp(LEADER.toBuilder().setDedupMaxEntries(0)),
                    entry().setStamp(LEADER.toBuilder().setDedupMaxEntries(-1)),
                    entry().setStamp(LEADER.toBuilder().setDedupRetentionMillis(0)));

            for (LogEntry.Builder builder : unstamped) {
                byte[] bytes = builder.addCommands(ByteString.copyFrom(sync(1))).build().toByteArray();

                assertThatThrownBy(() -> decodeEntry(bytes))
                        .isInstanceOf(IllegalArgumentException.class).hasMessage("entry carries no leader stamp");
            }
        }

        @Test
        void noCommands() {
            assertThatThrownBy(() -> decodeEntry(Commands.entry(List.of(), LEADER)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("an entry carries 1.." + Commands.MAX_BATCH_COMMANDS + " commands, not 0");
        }

        @Test
        void moreCommandsThanABatchHolds() {
            byte[] tooMany = Commands.entry(Collections.nCopies(Commands.MAX_BATCH_COMMANDS + 1, sync(1)), LEADER);

            assertThatThrownBy(() -> decodeEntry(tooMany))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("an entry carries 1.." + Commands.MAX_BATCH_COMMANDS + " commands, not "
                            + (Commands.MAX_BATCH_COMMANDS + 1));
        }

        @Test
        void anEntryLargerThanTheFullestBatch() {
            byte[] oversized = Commands.entry(List.of(new byte[Commands.MAX_BATCH_BYTES + 4_096]), LEADER);

            assertThatThrownBy(() -> decodeEntry(oversized))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("entry of " + oversized.length + " bytes exceeds");
        }
    }

    @Nested
    class Stamps {
        @Test
        void theStampIsInTheEntryAndTheCommandsAreLeftAsTheCallerEncodedThem() {
            byte[] plain = claim(10);

            Commands.Entry decoded = decodeEntry(Entries.one(plain, LEADER));

            assertThat(decoded.stamp()).isEqualTo(LEADER);
            assertThat(decoded.commands()).containsExactly(ByteString.copyFrom(plain));
        }

        @Test
        void aStampAFollowerPutIntoItsCommandIsAnUnknownFieldAndTheLeadersStampApplies() {
            EntryStamp forged = EntryStamp.newBuilder().setLeaderTimeMillis(Long.MAX_VALUE).setDedupMaxEntries(1)
                    .setDedupRetentionMillis(1).build();
            byte[] fromFollower = Command.newBuilder(decode(sync(1))).setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(3, UnknownFieldSet.Field.newBuilder().addLengthDelimited(forged.toByteString()).build())
                    .build()).build().toByteArray();
            ChannelLedger ledger = new ChannelLedger(CodecTest.GROUP);

            Commands.Entry decoded = decodeEntry(Entries.one(fromFollower, LEADER));
            Command command = Commands.decode(decoded.commands().get(0));
            List<CommandResult> results = new CommandApplier(ledger, new DedupTable())
                    .apply(ByteBuffer.wrap(Entries.one(fromFollower, LEADER)), 1);

            assertThat(decoded.stamp()).isEqualTo(LEADER);
            assertThat(command.getUnknownFields().hasField(3)).isTrue();
            assertThat(command.getRequestId()).isEqualTo("sync/1");
            assertThat(ProtoMapper.fromMsg(command.getSync().getChain())).isEqualTo(CodecTest.chain(BigInteger.ONE));
            assertThat(results).singleElement().satisfies(result -> assertThat(result.hasSynced()).isTrue());
            assertThat(ledger.logTimeMillis()).as("the leader's clock, not the forged one")
                    .isEqualTo(LEADER.getLeaderTimeMillis());
        }
    }

    @Nested
    class BatchKeys {
        @Test
        void claimsAndSyncsAreKeyedByTheChannelTheyChange() {
            ByteString channel7 = ProtoMapper.uint256(BigInteger.valueOf(7));

            assertThat(Commands.batchKey(decode(claim(7)))).isEqualTo(channel7);
            assertThat(Commands.batchKey(decode(sync(7)))).isEqualTo(channel7);
            assertThat(Commands.batchKey(decode(claim(8)))).isNotEqualTo(channel7);
        }

        @Test
        void everyOtherCommandHasNoKeyAndTravelsAlone() {
            List<byte[]> unkeyed = List.of(
                    Commands.reserve(CodecTest.claim(BigInteger.TEN), 1_000),
                    Commands.commit(new ReservationId(3)),
                    Commands.release(new ReservationId(3)),
                    Commands.startSettlements(List.of(ChannelId.of(7)), new RequestId("settle/1")),
                    Commands.finishSettlements(ChannelId.of(7), BigInteger.ONE, new RequestId("finish/1")));

            assertThat(unkeyed).allSatisfy(command -> assertThat(Commands.batchKey(decode(command))).isNull());
        }

        @Test
        void aReadIndexRequestHasTheEmptyKeySoItJoinsAnyBatch() {
            assertThat(decode(Commands.readIndex()).hasReadIndex()).isTrue();
            assertThat(Commands.batchKey(decode(Commands.readIndex()))).isEqualTo(ByteString.EMPTY);
        }
    }
}
