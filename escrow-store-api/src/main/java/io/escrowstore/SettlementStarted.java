package io.escrowstore;

/**
 * A channel's authorization was moved into a pending settlement, in one log entry: the channel's
 * nonce went up by one, its full amount down by the settled amount, and its authorization to 0.
 *
 * @param settlement what to claim on chain
 * @param state the channel after the move
 */
public record SettlementStarted(Settlement settlement, ChannelState state) implements SettlementResult {
    /** @throws IllegalArgumentException if a field is null */
    public SettlementStarted {
        Checks.notNull(settlement, "settlement");
        Checks.notNull(state, "state");
    }
}
