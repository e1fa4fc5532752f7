package io.escrowstore.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.escrowstore.ChainChannel;
import io.escrowstore.ClaimRequest;
import io.escrowstore.RequestId;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.SyncCommand;
import java.nio.ByteBuffer;

/** Encodes requests as Raft log entries and decodes them back, refusing unknown format versions. */
final class Commands {
    /** The command format this build writes and the only one it reads. */
    static final int FORMAT_VERSION = 1;
    /** No valid command comes near this; anything larger is refused unread. */
    static final int MAX_COMMAND_BYTES = 4096;

    private Commands() {
    }

    static byte[] claim(ClaimRequest request) {
        return Command.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setClaim(ProtoMapper.toMsg(request))
                .build()
                .toByteArray();
    }

    static byte[] sync(ChainChannel chain, RequestId requestId) {
        return Command.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setSync(SyncCommand.newBuilder().setChain(ProtoMapper.toMsg(chain)).setRequestId(requestId.value()))
                .build()
                .toByteArray();
    }

    /**
     * Parses one command and checks its envelope.
     *
     * @throws IllegalArgumentException if the bytes are too large, not a command, of another
     *     format version, or carry no body
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
        return command;
    }
}
