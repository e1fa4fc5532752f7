package io.escrowstore.raft.internal.routing;

import io.escrowstore.raft.internal.replication.Outcome;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;

/** The forward RPC's form of an {@link Outcome}: used only where a forward is sent or answered. */
final class WireOutcomes {
    private WireOutcomes() {
    }

    /** {@code outcome} as the leader sends it back. */
    static ForwardResponse toWire(Outcome outcome) {
        ForwardResponse.Builder wire = ForwardResponse.newBuilder()
                .setStatus(switch (outcome.status()) {
                    case APPLIED -> ForwardResponse.Status.APPLIED;
                    case NOT_LEADER -> ForwardResponse.Status.NOT_LEADER;
                    case BUSY -> ForwardResponse.Status.BUSY;
                    case INDETERMINATE -> ForwardResponse.Status.INDETERMINATE;
                    case BAD_REQUEST -> ForwardResponse.Status.BAD_REQUEST;
                })
                .setLeaderHint(outcome.leaderHint())
                .setError(outcome.error());
        if (outcome.result() != null) {
            wire.setResult(outcome.result());
        }
        return wire.build();
    }

    /** The outcome a leader sent back; a status this build does not know is a refusal ({@link Outcome.Status#BAD_REQUEST}) naming it. */
    static Outcome fromWire(ForwardResponse wire) {
        return switch (wire.getStatus()) {
            case APPLIED -> Outcomes.applied(wire.getResult());
            case NOT_LEADER -> new Outcome(Outcome.Status.NOT_LEADER, null, wire.getLeaderHint(), wire.getError());
            case BUSY -> Outcomes.busy(wire.getError());
            case INDETERMINATE -> Outcomes.indeterminate(wire.getError());
            case BAD_REQUEST -> Outcomes.badRequest(wire.getError());
            default -> Outcomes.badRequest(wire.getStatus() + " " + wire.getError());
        };
    }
}
