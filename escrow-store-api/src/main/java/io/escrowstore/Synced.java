package io.escrowstore;

/**
 * A chain view was merged into the stored channel.
 *
 * @param state the stored channel after the merge
 */
public record Synced(ChannelState state) implements SyncResult {
    /** @throws IllegalArgumentException if {@code state} is null */
    public Synced {
        Checks.notNull(state, "state");
    }
}
