package io.escrowstore.raft;

import io.escrowstore.Accepted;
import io.escrowstore.ClaimResult;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.RejectCode;
import io.escrowstore.raft.proto.EscrowProto.Rejection;
import java.util.Optional;

/** Maps business outcomes to {@link CommandResult} messages and back. */
final class Results {
    private Results() {
    }

    static CommandResult toMsg(ClaimResult result) {
        if (result instanceof Accepted accepted) {
            return CommandResult.newBuilder().setAccepted(ProtoMapper.toMsg(accepted.state())).build();
        }
        return rejection((Rejected) result);
    }

    static CommandResult toMsg(SyncResult result) {
        if (result instanceof Synced synced) {
            return CommandResult.newBuilder().setSynced(ProtoMapper.toMsg(synced.state())).build();
        }
        return rejection((Rejected) result);
    }

    static CommandResult invalid(String why) {
        return CommandResult.newBuilder().setInvalid(why).build();
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a claim */
    static ClaimResult claimResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case ACCEPTED -> new Accepted(ProtoMapper.fromMsg(msg.getAccepted()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "claim");
        };
    }

    /** @throws IllegalArgumentException if the result is not the outcome of a chain sync */
    static SyncResult syncResult(CommandResult msg) {
        return switch (msg.getOutcomeCase()) {
            case SYNCED -> new Synced(ProtoMapper.fromMsg(msg.getSynced()));
            case REJECTED -> rejected(msg.getRejected());
            default -> throw unexpected(msg, "chain sync");
        };
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
