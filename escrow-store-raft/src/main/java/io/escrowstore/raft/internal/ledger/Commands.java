package io.escrowstore.raft.internal.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.FinishSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.LogEntry;
import io.escrowstore.raft.proto.EscrowProto.ReadIndexCommand;
import io.escrowstore.raft.proto.EscrowProto.ReservationRef;
import io.escrowstore.raft.proto.EscrowProto.ReserveCommand;
import io.escrowstore.raft.proto.EscrowProto.StartSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.SyncCommand;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes requests as commands and commands as Raft log entries, and decodes both back, refusing
 * unknown format versions. Every command carries its request id in the envelope; the leader puts
 * one or more commands into an entry with its {@link EntryStamp} ({@link #entry}).
 */
public final class Commands {
    /** The command format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Most channels one settlement entry may name. */
    public static final int MAX_SETTLEMENT_CHANNELS = 1_000;
    /** No valid command comes near this; anything larger is refused unread. */
    public static final int MAX_COMMAND_BYTES = 64 + MAX_SETTLEMENT_CHANNELS * 35 + 4096;
    /**
     * The log entry format this build writes and the only one it reads. Version 1 was one
     * command per entry, with the stamp inside it.
     */
    public static final int ENTRY_FORMAT_VERSION = 2;
    /** Most commands one log entry (or one forwarded batch) carries. */
    public static final int MAX_BATCH_COMMANDS = 256;
    /** Most command bytes one log entry (or one forwarded batch) carries; one command always fits. */
    public static final int MAX_BATCH_BYTES = 256 * 1024;
    /** An entry's stamp, tags and lengths stay below this on top of its commands. */
    private static final int MAX_ENTRY_OVERHEAD = 64 + MAX_BATCH_COMMANDS * 8;
    /** The request id of every read-index request: it changes nothing, so it needs no deduplication. */
    private static final RequestId READ_INDEX_REQUEST_ID = new RequestId("read-index");

    private Commands() {
    }

    public static byte[] claim(ClaimRequest request) {
        return envelope(request.requestId()).setClaim(ProtoMapper.toMsg(request)).build().toByteArray();
    }

    public static byte[] reserve(ClaimRequest request, long leaseMillis) {
        return envelope(request.requestId())
                .setReserve(ReserveCommand.newBuilder().setClaim(ProtoMapper.toMsg(request)).setLeaseMillis(leaseMillis))
                .build()
                .toByteArray();
    }

    public static byte[] commit(ReservationId id) {
        return envelope(id.commitRequestId()).setCommit(ReservationRef.newBuilder().setReservationId(id.value()))
                .build().toByteArray();
    }

    public static byte[] release(ReservationId id) {
        return envelope(id.releaseRequestId()).setRelease(ReservationRef.newBuilder().setReservationId(id.value()))
                .build().toByteArray();
    }

    public static byte[] sync(ChainChannel chain, RequestId requestId) {
        return envelope(requestId).setSync(SyncCommand.newBuilder().setChain(ProtoMapper.toMsg(chain)))
                .build().toByteArray();
    }

    public static byte[] startSettlements(List<ChannelId> channelIds, RequestId requestId) {
        StartSettlementsCommand.Builder body = StartSettlementsCommand.newBuilder();
        channelIds.forEach(id -> body.addChannelIds(ProtoMapper.uint256(id.value())));
        return envelope(requestId).setStartSettlements(body).build().toByteArray();
    }

    public static byte[] finishSettlements(ChannelId channelId, BigInteger chainNonce, RequestId requestId) {
        return envelope(requestId)
                .setFinishSettlements(FinishSettlementsCommand.newBuilder()
                        .setChannelId(ProtoMapper.uint256(channelId.value()))
                        .setChainNonce(ProtoMapper.uint256(chainNonce)))
                .build()
                .toByteArray();
    }

    /**
     * A request for a read index confirmed by the leader: forwarded like any command, answered by
     * the leader ({@link LeaderReadIndex}) and never written to the log.
     */
    public static byte[] readIndex() {
        return envelope(READ_INDEX_REQUEST_ID).setReadIndex(ReadIndexCommand.getDefaultInstance()).build().toByteArray();
    }

    /**
     * A command ready to route: its bytes and, decoded once here, its {@link #batchKey}, so the
     * router and the proposer of this node never decode it again.
     */
    public record Submission(byte[] command, ByteString batchKey) {
    }

    /**
     * {@code command} carrying its submission stamp: {@code submittedAfterIndex}, an index the
     * submitting node knew committed when the call was first attempted ({@link SubmissionStamps}).
     */
    public static Submission stamped(byte[] command, long submittedAfterIndex) {
        if (submittedAfterIndex < 0) {
            throw new IllegalArgumentException("submittedAfterIndex must be >= 0 but was " + submittedAfterIndex);
        }
        Command stamped = decode(ByteBuffer.wrap(command)).toBuilder().setSubmittedAfterIndex(submittedAfterIndex).build();
        return new Submission(stamped.toByteArray(), batchKey(stamped));
    }

    /** One log entry: {@code commands} (encoded, never changed afterwards) to apply in order with {@code stamp}. */
    public static byte[] entry(List<byte[]> commands, EntryStamp stamp) {
        LogEntry.Builder entry = LogEntry.newBuilder().setFormatVersion(ENTRY_FORMAT_VERSION).setStamp(stamp);
        for (byte[] command : commands) {
            entry.addCommands(UnsafeByteOperations.unsafeWrap(command));
        }
        return entry.build().toByteArray();
    }

    /**
     * The channel a claim or sync changes: commands with different keys may share a log entry.
     * Empty for a read-index request, which changes nothing and so may join any batch. Null for
     * every other command, which changes channels or reservations the command itself does not name
     * and so gets an entry (and a forwarded batch) of its own.
     */
    public static ByteString batchKey(Command command) {
        return switch (command.getBodyCase()) {
            case CLAIM -> command.getClaim().getChannelId();
            case SYNC -> command.getSync().getChain().getChannelId();
            case READ_INDEX -> ByteString.EMPTY;
            default -> null;
        };
    }

    /** A decoded log entry: its stamp and its commands, each still encoded. */
    public record Entry(EntryStamp stamp, List<ByteString> commands) {
        /**
         * An entry of no bytes: a leader appends one only to make jraft replicate (see
         * {@code MembershipChanger}); it carries no stamp and no command, so it changes nothing,
         * not even log time.
         */
        static final Entry NOOP = new Entry(EntryStamp.getDefaultInstance(), List.of());
    }

    /**
     * Parses one log entry and checks its envelope; its commands are decoded one by one with
     * {@link #decode(ByteString)}. No bytes at all decode as {@link Entry#NOOP}.
     *
     * @throws IllegalArgumentException if the bytes are too large, not an entry, of another format
     *     version, carry no leader stamp, or no or too many commands
     */
    public static Entry decodeEntry(ByteBuffer data) {
        if (data == null || data.remaining() == 0) {
            return Entry.NOOP;
        }
        if (data.remaining() > MAX_BATCH_BYTES + MAX_ENTRY_OVERHEAD) {
            throw new IllegalArgumentException("entry of " + data.remaining() + " bytes exceeds "
                    + (MAX_BATCH_BYTES + MAX_ENTRY_OVERHEAD));
        }
        LogEntry entry;
        try {
            entry = LogEntry.parseFrom(data.duplicate());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a log entry: " + e.getMessage(), e);
        }
        if (entry.getFormatVersion() != ENTRY_FORMAT_VERSION) {
            throw new IllegalArgumentException("entry format version " + entry.getFormatVersion()
                    + " is not supported (this build reads " + ENTRY_FORMAT_VERSION + ")");
        }
        EntryStamp stamp = entry.getStamp();
        if (stamp.getDedupMaxEntries() <= 0 || stamp.getDedupRetentionMillis() <= 0) {
            throw new IllegalArgumentException("entry carries no leader stamp");
        }
        if (entry.getCommandsCount() == 0 || entry.getCommandsCount() > MAX_BATCH_COMMANDS) {
            throw new IllegalArgumentException("an entry carries 1.." + MAX_BATCH_COMMANDS + " commands, not "
                    + entry.getCommandsCount());
        }
        return new Entry(stamp, entry.getCommandsList());
    }

    private static Command.Builder envelope(RequestId requestId) {
        return Command.newBuilder().setFormatVersion(FORMAT_VERSION).setRequestId(requestId.value());
    }

    /**
     * Parses one command and checks its envelope.
     *
     * @throws IllegalArgumentException if the bytes are too large, not a command, of another
     *     format version, carry no body, or name more settlement channels than one entry may
     */
    public static Command decode(ByteBuffer data) {
        if (data == null) {
            throw new IllegalArgumentException("empty command");
        }
        checkSize(data.remaining());
        try {
            return checked(Command.parseFrom(data.duplicate()));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a command: " + e.getMessage(), e);
        }
    }

    /** {@link #decode(ByteBuffer)} of a command taken from an entry or a forwarded batch. */
    public static Command decode(ByteString data) {
        checkSize(data.size());
        try {
            return checked(Command.parseFrom(data));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a command: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code data} is a claim, read from its field tags alone: no field is decoded, so
     * this is no check of the command; bytes that are not a command are not a claim.
     */
    public static boolean isClaim(ByteString data) {
        try {
            CodedInputStream in = data.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == Command.CLAIM_FIELD_NUMBER) {
                    return true;
                }
                if (!in.skipField(tag)) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkSize(int bytes) {
        if (bytes == 0) {
            throw new IllegalArgumentException("empty command");
        }
        if (bytes > MAX_COMMAND_BYTES) {
            throw new IllegalArgumentException("command of " + bytes + " bytes exceeds " + MAX_COMMAND_BYTES);
        }
    }

    private static Command checked(Command command) {
        if (command.getFormatVersion() != FORMAT_VERSION) {
            throw new IllegalArgumentException("command format version " + command.getFormatVersion()
                    + " is not supported (this build reads " + FORMAT_VERSION + ")");
        }
        if (command.getBodyCase() == Command.BodyCase.BODY_NOT_SET) {
            throw new IllegalArgumentException("command has no known body (written by a newer build?)");
        }
        if (command.getBodyCase() == Command.BodyCase.START_SETTLEMENTS
                && command.getStartSettlements().getChannelIdsCount() > MAX_SETTLEMENT_CHANNELS) {
            throw new IllegalArgumentException("a settlement names " + command.getStartSettlements().getChannelIdsCount()
                    + " channels, more than " + MAX_SETTLEMENT_CHANNELS);
        }
        return command;
    }
}
