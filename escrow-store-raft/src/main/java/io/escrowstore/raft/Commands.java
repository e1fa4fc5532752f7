package io.escrowstore.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.FinishSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.ReservationRef;
import io.escrowstore.raft.proto.EscrowProto.ReserveCommand;
import io.escrowstore.raft.proto.EscrowProto.StartSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.SyncCommand;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes requests as Raft log entries and decodes them back, refusing unknown format versions.
 * Every command carries its request id in the envelope; the leader appends an {@link EntryStamp}
 * when it proposes ({@link #stamp}).
 */
final class Commands {
    /** The command format this build writes and the only one it reads. */
    static final int FORMAT_VERSION = 1;
    /** Most channels one settlement entry may name. */
    static final int MAX_SETTLEMENT_CHANNELS = 1_000;
    /** No valid command comes near this; anything larger is refused unread. */
    static final int MAX_COMMAND_BYTES = 64 + MAX_SETTLEMENT_CHANNELS * 35 + 4096;

    private Commands() {
    }

    static byte[] claim(ClaimRequest request) {
        return envelope(request.requestId()).setClaim(ProtoMapper.toMsg(request)).build().toByteArray();
    }

    static byte[] reserve(ClaimRequest request, long leaseMillis) {
        return envelope(request.requestId())
                .setReserve(ReserveCommand.newBuilder().setClaim(ProtoMapper.toMsg(request)).setLeaseMillis(leaseMillis))
                .build()
                .toByteArray();
    }

    static byte[] commit(ReservationId id) {
        return envelope(id.commitRequestId()).setCommit(ReservationRef.newBuilder().setReservationId(id.value()))
                .build().toByteArray();
    }

    static byte[] release(ReservationId id) {
        return envelope(id.releaseRequestId()).setRelease(ReservationRef.newBuilder().setReservationId(id.value()))
                .build().toByteArray();
    }

    static byte[] sync(ChainChannel chain, RequestId requestId) {
        return envelope(requestId).setSync(SyncCommand.newBuilder().setChain(ProtoMapper.toMsg(chain)))
                .build().toByteArray();
    }

    static byte[] startSettlements(List<ChannelId> channelIds, RequestId requestId) {
        StartSettlementsCommand.Builder body = StartSettlementsCommand.newBuilder();
        channelIds.forEach(id -> body.addChannelIds(ProtoMapper.uint256(id.value())));
        return envelope(requestId).setStartSettlements(body).build().toByteArray();
    }

    static byte[] finishSettlements(ChannelId channelId, BigInteger chainNonce, RequestId requestId) {
        return envelope(requestId)
                .setFinishSettlements(FinishSettlementsCommand.newBuilder()
                        .setChannelId(ProtoMapper.uint256(channelId.value()))
                        .setChainNonce(ProtoMapper.uint256(chainNonce)))
                .build()
                .toByteArray();
    }

    /**
     * Appends the leader's stamp to an encoded command. Protobuf merges a field that appears twice,
     * the later value winning, so whatever a follower put there is overridden.
     */
    static byte[] stamp(byte[] command, EntryStamp stamp) {
        byte[] suffix = Command.newBuilder().setStamp(stamp).build().toByteArray();
        byte[] stamped = new byte[command.length + suffix.length];
        System.arraycopy(command, 0, stamped, 0, command.length);
        System.arraycopy(suffix, 0, stamped, command.length, suffix.length);
        return stamped;
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
    static Command decode(ByteBuffer data) {
        if (data == null || data.remaining() == 0) {
            throw new IllegalArgumentException("empty command");
        }
        if (data.remaining() > MAX_COMMAND_BYTES) {
            throw new IllegalArgumentException("command of " + data.remaining() + " bytes exceeds " + MAX_COMMAND_BYTES);
        }
        Command command;
        try {
            command = Command.parseFrom(data.duplicate());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a command: " + e.getMessage(), e);
        }
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
