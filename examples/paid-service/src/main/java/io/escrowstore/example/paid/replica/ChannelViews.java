package io.escrowstore.example.paid.replica;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A replica's cache of channels as read from chain ("chain views"). A view is read again when a new
 * block has been mined since it was read (the channel may have been claimed, extended or funded),
 * or when the caller asks for a fresh one (the store answered {@code UNKNOWN_CHANNEL} or
 * {@code NONCE_MISMATCH}). Channels the chain does not know are not cached.
 */
public final class ChannelViews {
    private record Entry(ChainChannel view, BigInteger readAtBlock) {
    }

    private final ChainReader chain;
    private final Supplier<BigInteger> currentBlock;
    private final ConcurrentHashMap<ChannelId, Entry> cache = new ConcurrentHashMap<>();

    /** Views read from {@code chain}, at the block number {@code currentBlock} gives (e.g. a {@link BlockFollower}). */
    public ChannelViews(ChainReader chain, Supplier<BigInteger> currentBlock) {
        this.chain = chain;
        this.currentBlock = currentBlock;
    }

    /** The current block number. */
    public BigInteger blockNumber() {
        return currentBlock.get();
    }

    /**
     * The channel as of {@code block}: the cached view if it was read at that block and no refresh
     * is asked, else a fresh read.
     */
    public Optional<ChainChannel> view(ChannelId id, BigInteger block, boolean refresh) {
        Entry cached = cache.get(id);
        if (cached != null && !refresh && cached.readAtBlock().equals(block)) {
            return Optional.of(cached.view());
        }
        Optional<ChainChannel> read = chain.channel(id);
        read.ifPresentOrElse(view -> cache.put(id, new Entry(view, block)), () -> cache.remove(id));
        return read;
    }
}
