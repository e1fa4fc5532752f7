package io.escrowstore.example.paid.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The replica's view of the block number follows the chain, and survives a failed read. */
class BlockFollowerTest {

    @Test
    void theBlockNumberFollowsTheChain() {
        FakeChain chain = new FakeChain();
        try (BlockFollower blocks = new BlockFollower(chain, Duration.ofMillis(10))) {
            BigInteger first = blocks.get();
            assertThat(first).isEqualTo(chain.blockNumber());
            chain.mine();
            await().atMost(Duration.ofSeconds(10)).until(() -> blocks.get().equals(first.add(BigInteger.ONE)));
        }
    }

    @Test
    void aFailedReadKeepsTheLastBlockNumber() {
        AtomicReference<BigInteger> block = new AtomicReference<>(BigInteger.valueOf(7));
        AtomicInteger failedReads = new AtomicInteger();
        ChainReader failingLater = new ChainReader() {
            @Override
            public Optional<ChainChannel> channel(ChannelId id) {
                return Optional.empty();
            }

            @Override
            public BigInteger blockNumber() {
                if (block.get() == null) {
                    failedReads.incrementAndGet();
                    throw new IllegalStateException("chain unreachable");
                }
                return block.get();
            }
        };
        try (BlockFollower blocks = new BlockFollower(failingLater, Duration.ofMillis(10))) {
            block.set(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> failedReads.get() >= 2);
            assertThat(blocks.get()).isEqualTo(BigInteger.valueOf(7));
        }
    }
}
