package io.escrowstore.raft.internal.ledger;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimResult;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.ReleaseResult;
import io.escrowstore.Released;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.ReserveResult;
import io.escrowstore.Reserved;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.FinishedMsg;
import io.escrowstore.raft.proto.EscrowProto.RejectCode;
import io.escrowstore.raft.proto.EscrowProto.Rejection;
import io.escrowstore.raft.proto.EscrowProto.ReservedMsg;
import io.escrowstore.raft.proto.EscrowProto.SettlementOutcomeMsg;
import io.escrowstore.raft.proto.EscrowProto.SettlementsMsg;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps business outcomes to {@link CommandResult} messages and back. */
public final class Results {
    private Results() {
    }

    public static CommandResult toMsg(ClaimResult result) {
        if (result instanceof Accepted accepted) {
            return CommandResult.newBuilder().setAccepted(ProtoMapper.toMsg(accepted.state())).build();
        }
        return rejection((Rejected) result);
    }

    public static CommandResult toMsg(SyncResult result) {
        if (result instanceof Synced synced) {
            return CommandResult.newBuilder().setSynced(ProtoMapper.toMsg(synced.state())).build();
        }
        return rejection((Rejected) result);
    }

    public static CommandResult toMsg(ReserveResult result) {
        if (result instanceof Reserved reserved) {
            return CommandResult.newBuilder().setReserved(ReservedMsg.newBuilder()
                    .setReservationId(reserved.reservationId().value())
                    .setState(ProtoMapper.toMsg(reserved.state()))
                    .setExpiresAtMillis(reserved.expiresAt().toEpochMilli())).build();
        }
        return rejection((Rejected) result);
    }

    public static CommandResult toMsg(ReleaseResult result) {
        if (result instanceof Released released) {
            return CommandResult.newBuilder().setReleased(ProtoMapper.toMsg(released.state())).build();
        }
        return rejection((Rejected) result);
    }

    public static CommandResult toMsg(Map<ChannelId, SettlementResult> results) {
        SettlementsMsg.Builder all = SettlementsMsg.newBuilder();
        results.forEach((channelId, result) -> {
            SettlementOutcomeMsg.Builder one = SettlementOutcomeMsg.newBuilder()
                    .setChannelId(ProtoMapper.uint256(channelId.value()));
            if (result instanceof SettlementStarted started) {
                one.setStarted(ProtoMapper.toMsg(started.settlement())).setState(ProtoMapper.toMsg(started.state()));
            } else {
                one.setRejected(rejection((Rejected) result).getRejected());
            }
            all.addOutcomes(one);
        });
        return CommandResult.newBuilder().setSettlements(all).build();
    }

    public static CommandResult toMsg(List<Settlement> finished) {
        FinishedMsg.Builder removed = FinishedMsg.newBuilder();
        finished.forEach(settlement -> removed.addRemoved(ProtoMapper.toMsg(settlement)));
        return CommandResult.newBuilder().setFinished(removed).build();
    }

    public static CommandResult invalid(String why) {
        return CommandResult.newBuilder().setInvalid(why).build();
    }

    /**
     * The answer to a request id the deduplication table does not know although it may have been
     * applied: it was first submitted after {@code submittedAfter}, and outcomes recorded up to
     * {@code evictedThrough} have been evicted. Neither applied nor refused by this entry.
     */
    static CommandResult forgotten(RequestId requestId, long submittedAfter, long evictedThrough) {
        return CommandResult.newBuilder().setForgotten("request " + requestId + " was first submitted after log index "
                + submittedAfter + " and outcomes recorded up to index " + evictedThrough + " have been evicted").build();
    }

    /** The answer to a read-index request: a read may be served once {@code index} is applied. */
    public static CommandResult readIndex(long index) {
        return CommandResult.newBuilder().setReadIndex(index).build();
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a claim or commit */
    public static ClaimResult claimResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case ACCEPTED -> new Accepted(ProtoMapper.fromMsg(msg.getAccepted()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "claim");
        };
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a chain sync */
    public static SyncResult syncResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case SYNCED -> new Synced(ProtoMapper.fromMsg(msg.getSynced()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "chain sync");
        };
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a reservation */
    public static ReserveResult reserveResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case RESERVED -> new Reserved(new ReservationId(msg.getReserved().getReservationId()),
                    ProtoMapper.fromMsg(msg.getReserved().getState()),
                    Instant.ofEpochMilli(msg.getReserved().getExpiresAtMillis()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "reservation");
        };
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a release */
    public static ReleaseResult releaseResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case RELEASED -> new Released(ProtoMapper.fromMsg(msg.getReleased()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "release");
        };
    }

    /** @throws IllegalArgumentException if the result is not the outcome of starting settlements */
    public static Map<ChannelId, SettlementResult> settlementResults(CommandResult msg) {
        if (msg.getOutcomeCase() != CommandResult.OutcomeCase.SETTLEMENTS) {
            throw unexpected(msg, "settlement");
        }
        Map<ChannelId, SettlementResult> results = new LinkedHashMap<>();
        for (SettlementOutcomeMsg one : msg.getSettlements().getOutcomesList()) {
            ChannelId channelId = new ChannelId(ProtoMapper.uint256(one.getChannelId(), "channelId"));
            results.put(channelId, one.hasStarted()
                    ? new SettlementStarted(ProtoMapper.fromMsg(one.getStarted()), ProtoMapper.fromMsg(one.getState()))
                    : rejected(one.getRejected()));
        }
        return results;
    }

    /** @throws IllegalArgumentException if the result is not the outcome of finishing settlements */
    public static List<Settlement> finishedSettlements(CommandResult msg) {
        if (msg.getOutcomeCase() != CommandResult.OutcomeCase.FINISHED) {
            throw unexpected(msg, "settlement finish");
        }
        return msg.getFinished().getRemovedList().stream().map(ProtoMapper::fromMsg).toList();
    }

    private static IllegalArgumentException unexpected(CommandResult msg, String operation) {
        if (msg.getOutcomeCase() == CommandResult.OutcomeCase.INVALID) {
            return new IllegalArgumentException("the store refused the " + operation + " as invalid: " + msg.getInvalid());
        }
        return new IllegalArgumentException("unexpected outcome " + msg.getOutcomeCase() + " for a " + operation);
    }

    private static CommandResult rejection(Rejected rejected) {
        Rejection.Builder builder = Rejection.newBuilder().setCode(RejectCode.valueOf(rejected.reason().name()));
        rejected.state().ifPresent(state -> builder.setState(ProtoMapper.toMsg(state)));
        return CommandResult.newBuilder().setRejected(builder).build();
    }

    private static Rejected rejected(Rejection msg) {
        RejectReason reason;
        try {
            reason = RejectReason.valueOf(msg.getCode().name());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown reject code " + msg.getCodeValue(), e);
        }
        return new Rejected(reason, msg.hasState() ? Optional.of(ProtoMapper.fromMsg(msg.getState())) : Optional.empty());
    }
}
