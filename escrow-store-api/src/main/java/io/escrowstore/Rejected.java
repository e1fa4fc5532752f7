package io.escrowstore;

import java.util.Optional;

/**
 * A request was decided and refused; the stored state is unchanged by it.
 *
 * @param reason why
 * @param state the channel as stored when the request was decided, empty if the store does not know it
 */
public record Rejected(RejectReason reason, Optional<ChannelState> state)
        implements ClaimResult, SyncResult, ReserveResult, ReleaseResult, SettlementResult {
    /** @throws IllegalArgumentException if a field is null */
    public Rejected {
        Checks.notNull(reason, "reason");
        Checks.notNull(state, "state");
    }
}
