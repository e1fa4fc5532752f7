package io.escrowstore;

/**
 * A claim was accepted: committed by a majority, applied, and visible to every later
 * linearizable read on any node.
 *
 * @param state the channel after the claim; {@code state.authorizedAmount()} is the payment's amount
 */
public record Accepted(ChannelState state) implements ClaimResult {
    /** @throws IllegalArgumentException if {@code state} is null */
    public Accepted {
        Checks.notNull(state, "state");
    }
}
