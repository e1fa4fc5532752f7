package io.escrowstore.example.paid.replica;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain's latest block number as a replica knows it, read in the background at a fixed
 * interval so a paid call does not wait for a chain round trip. It lags the chain by at most the
 * interval (plus a read); a failed read keeps the last number known.
 */
public final class BlockFollower implements Supplier<BigInteger>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFollower.class);

    private final ChainReader chain;
    private final ScheduledExecutorService poller;
    private volatile BigInteger latest;

    /** Reads the block number once now, then every {@code interval}. */
    public BlockFollower(ChainReader chain, Duration interval) {
        this.chain = chain;
        this.latest = chain.blockNumber();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "block-follower");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::read, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read() {
        try {
            latest = chain.blockNumber();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the block number; keeping {}: {}", latest, e.toString());
        }
    }

    /** The latest block number read. */
    @Override
    public BigInteger get() {
        return latest;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
