package io.escrowstore.raft.internal.ledger;

import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Applies one log entry: decode and validate it, then each of its commands in order: advance log
 * time, answer a known request id from the deduplication table (never evaluating it twice),
 * answer an unknown one whose outcome may have been evicted with {@code forgotten} (never
 * evaluating it either), otherwise run the operation on the ledger and record its outcome.
 * Deterministic. A malformed entry changes nothing; a malformed command, or a request id reused
 * for a different request, yields an {@code invalid} result for that command and changes nothing
 * (not even log time).
 *
 * <p>Forgotten outcomes: a command carries {@code submitted_after_index}, an index the submitting
 * node knew committed when the call was first attempted, so any entry that ever carried the same
 * request lies above it. If that stamp is below the table's eviction watermark
 * ({@link DedupTable#evictedThrough()}), the request may have been applied and its outcome
 * evicted, and evaluating it again could answer a rejection for a request that in fact succeeded.
 * A command without the stamp (written by an older build) is evaluated as before.
 *
 * <p>TEST ONLY, with the engine floor on: every claim of an entry is answered with one constant
 * {@code accepted} result, built once, and nothing else happens for it (no decode past its field
 * tags, no deduplication, no ledger change, no log time); every other command is applied as above.
 */
public final class CommandApplier {
    /** Longest lease a reservation may ask for. */
    public static final Duration MAX_LEASE = Duration.ofHours(1);

    /** Told of each command applied as a no-op because it is malformed. */
    public interface MalformedCommands {
        void malformed(long index, String why);
    }

    /** The engine floor's answer to every claim: accepted, with a fixed channel state. */
    private static final CommandResult FLOOR_ACCEPTED = Results.toMsg(new Accepted(new ChannelState(
            new ChannelId(BigInteger.ZERO), BigInteger.ZERO, new Address(new byte[Address.LENGTH]),
            new Address(new byte[Address.LENGTH]), new Address(new byte[Address.LENGTH]),
            new GroupId(new byte[GroupId.LENGTH]), BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
            Optional.empty(), 0)));

    private final ChannelLedger ledger;
    private final DedupTable dedup;
    private final boolean unsafeSkipDedup;
    private final boolean unsafeEngineFloor;
    private final MalformedCommands malformed;

    public CommandApplier(ChannelLedger ledger, DedupTable dedup) {
        this(ledger, dedup, false, (index, why) -> { });
    }

    /** @param unsafeSkipDedup TEST ONLY, breaks safety: ignore the dedup table and evaluate every request again */
    public CommandApplier(ChannelLedger ledger, DedupTable dedup, boolean unsafeSkipDedup, MalformedCommands malformed) {
        this(ledger, dedup, unsafeSkipDedup, false, malformed);
    }

    /**
     * @param unsafeSkipDedup TEST ONLY, breaks safety: ignore the dedup table and evaluate every request again
     * @param unsafeEngineFloor TEST ONLY, breaks safety: answer every claim as accepted without applying it
     */
    public CommandApplier(ChannelLedger ledger, DedupTable dedup, boolean unsafeSkipDedup, boolean unsafeEngineFloor,
            MalformedCommands malformed) {
        this.ledger = ledger;
        this.dedup = dedup;
        this.unsafeSkipDedup = unsafeSkipDedup;
        this.unsafeEngineFloor = unsafeEngineFloor;
        this.malformed = malformed;
    }

    /**
     * Applies every command of the entry at {@code index}, in order.
     *
     * @return one result per command, in the entry's order
     * @throws IllegalArgumentException if the entry itself is malformed (nothing was changed)
     */
    public List<CommandResult> apply(ByteBuffer data, long index) {
        return apply(Commands.decodeEntry(data), index);
    }

    /**
     * Applies every command of the decoded {@code entry} at {@code index}, in order. A malformed
     * command is answered {@code invalid} and changes nothing; any exception thrown here comes
     * after earlier commands may have changed the state.
     *
     * @return one result per command, in the entry's order
     */
    public List<CommandResult> apply(Commands.Entry entry, long index) {
        List<CommandResult> results = new ArrayList<>(entry.commands().size());
        for (ByteString command : entry.commands()) {
            results.add(unsafeEngineFloor && Commands.isClaim(command) ? FLOOR_ACCEPTED
                    : apply(command, entry.stamp(), index));
        }
        return results;
    }

    private CommandResult apply(ByteString encoded, EntryStamp stamp, long index) {
        Command command;
        RequestId requestId;
        Supplier<CommandResult> operation;
        try {
            command = Commands.decode(encoded);
            requestId = new RequestId(command.getRequestId());
            // decode and validate the whole body before anything changes: a malformed command changes nothing
            operation = operation(command, requestId, index);
        } catch (IllegalArgumentException e) {
            malformed.malformed(index, e.getMessage());
            return Results.invalid(e.getMessage());
        }
        byte[] bodyHash = bodyHash(command, encoded);
        int kind = command.getBodyCase().getNumber();
        DedupMsg known = unsafeSkipDedup ? null : dedup.find(kind, requestId).orElse(null);
        if (known != null && !Arrays.equals(known.getBodyHash().toByteArray(), bodyHash)) {
            return Results.invalid("request id " + requestId + " was already used for a different request");
        }
        ledger.advanceClock(stamp.getLeaderTimeMillis());
        dedup.evict(ledger.logTimeMillis(), stamp.getDedupMaxEntries(), stamp.getDedupRetentionMillis());
        known = unsafeSkipDedup ? null : dedup.find(kind, requestId).orElse(null);
        if (known != null) {
            return replay(known, requestId);
        }
        if (!unsafeSkipDedup && command.hasSubmittedAfterIndex()
                && command.getSubmittedAfterIndex() < dedup.evictedThrough()) {
            return Results.forgotten(requestId, command.getSubmittedAfterIndex(), dedup.evictedThrough());
        }
        CommandResult result = operation.get();
        dedup.record(requestId, result.toByteArray(), ledger.logTimeMillis(),
                command.hasSubmittedAfterIndex() ? index : 0, bodyHash, kind);
        return result;
    }

    /**
     * The hash that tells a resubmission from another request under the same id: of the command
     * as encoded, without its submission stamp, which differs between calls of the same request.
     * The log holds the same bytes on every replica and every replica re-encodes them with the same
     * code, so all compute the same hash; for a command of this build it is the hash of the bytes
     * the command would have had without the stamp.
     */
    private static byte[] bodyHash(Command command, ByteString encoded) {
        return command.hasSubmittedAfterIndex()
                ? Digests.sha256(command.toBuilder().clearSubmittedAfterIndex().build().toByteString())
                : Digests.sha256(encoded);
    }

    private static CommandResult replay(DedupMsg known, RequestId requestId) {
        try {
            return CommandResult.parseFrom(known.getResult());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("recorded outcome of " + requestId + " is unreadable", e);
        }
    }

    /** Decodes the body into the operation to run; nothing runs until the result is called. */
    private Supplier<CommandResult> operation(Command command, RequestId requestId, long index) {
        switch (command.getBodyCase()) {
            case CLAIM -> {
                ClaimRequest claim = ProtoMapper.fromMsg(command.getClaim(), requestId);
                return () -> Results.toMsg(ledger.claim(claim, index));
            }
            case SYNC -> {
                ChainChannel chain = ProtoMapper.fromMsg(command.getSync().getChain());
                return () -> Results.toMsg(ledger.sync(chain, index));
            }
            case RESERVE -> {
                ClaimRequest claim = ProtoMapper.fromMsg(command.getReserve().getClaim(), requestId);
                long leaseMillis = lease(command.getReserve().getLeaseMillis());
                return () -> Results.toMsg(ledger.reserve(claim, leaseMillis, index));
            }
            case COMMIT -> {
                ReservationId id = new ReservationId(command.getCommit().getReservationId());
                return () -> Results.toMsg(ledger.commit(id, index));
            }
            case RELEASE -> {
                ReservationId id = new ReservationId(command.getRelease().getReservationId());
                return () -> Results.toMsg(ledger.release(id));
            }
            case START_SETTLEMENTS -> {
                List<ChannelId> channelIds = channels(command);
                return () -> Results.toMsg(ledger.startSettlements(channelIds, index));
            }
            case FINISH_SETTLEMENTS -> {
                ChannelId channelId = new ChannelId(
                        ProtoMapper.uint256(command.getFinishSettlements().getChannelId(), "channelId"));
                BigInteger chainNonce = ProtoMapper.uint256(command.getFinishSettlements().getChainNonce(), "chainNonce");
                return () -> Results.toMsg(ledger.finishSettlements(channelId, chainNonce));
            }
            case READ_INDEX -> throw new IllegalArgumentException("a read-index request is answered by the leader,"
                    + " never written to the log");
            default -> throw new IllegalArgumentException("unknown command " + command.getBodyCase());
        }
    }

    private static long lease(long millis) {
        if (millis < 1 || millis > MAX_LEASE.toMillis()) {
            throw new IllegalArgumentException("lease must be 1 ms .. " + MAX_LEASE + " but was " + millis + " ms");
        }
        return millis;
    }

    private static List<ChannelId> channels(Command command) {
        List<ChannelId> ids = command.getStartSettlements().getChannelIdsList().stream()
                .map(bytes -> new ChannelId(ProtoMapper.uint256(bytes, "channelId")))
                .toList();
        if (ids.isEmpty() || ids.size() > Commands.MAX_SETTLEMENT_CHANNELS) {
            throw new IllegalArgumentException("a settlement names 1.." + Commands.MAX_SETTLEMENT_CHANNELS
                    + " channels, not " + ids.size());
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw new IllegalArgumentException("a settlement names a channel twice");
        }
        return ids;
    }
}
