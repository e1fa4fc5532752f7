package io.escrowstore.example.paid.replica;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A chain whose channels and block number the test sets, counting channel reads. */
final class FakeChain implements ChainReader {
    private final Map<ChannelId, ChainChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile BigInteger block = BigInteger.valueOf(100);

    void put(ChainChannel channel) {
        channels.put(channel.channelId(), channel);
    }

    void mine() {
        block = block.add(BigInteger.ONE);
    }

    int reads() {
        return reads.get();
    }

    @Override
    public Optional<ChainChannel> channel(ChannelId id) {
        reads.incrementAndGet();
        return Optional.ofNullable(channels.get(id));
    }

    @Override
    public BigInteger blockNumber() {
        return block;
    }
}
