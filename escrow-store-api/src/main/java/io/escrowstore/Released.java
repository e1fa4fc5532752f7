package io.escrowstore;

/**
 * A reservation was dropped without charging anything; the channel is free again.
 *
 * @param state the channel after the release
 */
public record Released(ChannelState state) implements ReleaseResult {
    /** @throws IllegalArgumentException if {@code state} is null */
    public Released {
        Checks.notNull(state, "state");
    }
}
