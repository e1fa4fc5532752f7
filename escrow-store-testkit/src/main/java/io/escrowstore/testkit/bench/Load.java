package io.escrowstore.testkit.bench;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.GroupId;
import io.escrowstore.PaymentStore;
import io.escrowstore.ReadConsistency;
import io.escrowstore.RequestId;
import io.escrowstore.Synced;
import io.escrowstore.testkit.TestChannels;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/** The pieces of a run that do not depend on where the nodes are: preload, the clients, the audit. */
final class Load {
    /** Escrowed value of every channel: never the limit (price 10 allows 10^14 claims per channel). */
    static final long DEPOSIT = 1_000_000_000_000_000L;
    /** Channel ids start here (channel 0 is the testkit cluster's read barrier). */
    static final long FIRST_CHANNEL = 1;

    /**
     * What every client of a run does; {@code coldWindow} is how much of the warm-up's start is
     * recorded apart (see {@link Window#cold}).
     */
    record Spec(int clients, int channels, long price, double replayFraction, long seed, String runTag,
            Duration warmup, Duration duration, Duration coldWindow) {
    }

    /** What a run measured. */
    record Output(ClientStats stats, Resources.Used used) {
    }

    private Load() {
    }

    /**
     * Syncs {@code count} fresh channels from "chain" through {@code node}, up to {@code window}
     * calls in flight. Returns the seconds it took.
     */
    static double preload(PaymentStore node, GroupId group, int count, int window) throws InterruptedException {
        long started = System.nanoTime();
        Semaphore permits = new Semaphore(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count && failure.get() == null; i++) {
            long id = FIRST_CHANNEL + i;
            ChainChannel chain = TestChannels.opened(group, id, DEPOSIT);
            permits.acquire();
            CompletableFuture<?> f = node.syncFromChainAsync(chain, new RequestId("preload/" + id));
            f.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (!(r instanceof Synced)) {
                    failure.compareAndSet(null, new IllegalStateException("sync of channel " + id + ": " + r));
                }
                permits.release();
            });
        }
        permits.acquire(window);
        if (failure.get() != null) {
            throw new IllegalStateException("preload failed: " + failure.get(), failure.get());
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Heap in use after a full GC, in MiB. */
    static double heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    /**
     * Runs the clients from now: warm-up, then the measured window; samples this process's
     * resources at the window's edges; waits for every client to finish its last call.
     */
    static Output run(List<ClaimClient> clients, long measureFromNanos, long endNanos, Duration joinTimeout)
            throws InterruptedException {
        Thread[] threads = new Thread[clients.size()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(clients.get(i), "bench-client-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        sleepUntil(measureFromNanos);
        Resources a = Resources.now();
        sleepUntil(endNanos);
        Resources b = Resources.now();
        long joinDeadline = System.nanoTime() + joinTimeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
        }
        ClientStats total = new ClientStats();
        for (int i = 0; i < threads.length; i++) {
            if (threads[i].isAlive()) {
                throw new IllegalStateException("client " + i + " still busy " + joinTimeout + " after the end");
            }
            total.add(clients.get(i).stats);
        }
        return new Output(total, a.until(b));
    }

    /**
     * Claims recorded in the store: the sum over channels of authorized amount / price, read on
     * {@code node} after a linearizable read (so it has applied everything acknowledged before).
     */
    static long claimsInStore(PaymentStore node, int count, long price) {
        node.channel(ChannelId.of(FIRST_CHANNEL));
        long sum = 0;
        for (int i = 0; i < count; i++) {
            ChannelState s = node.channel(ChannelId.of(FIRST_CHANNEL + i), ReadConsistency.LOCAL).orElseThrow();
            sum += s.authorizedAmount().longValueExact() / price;
        }
        return sum;
    }

    static void sleepUntil(long nanoDeadline) throws InterruptedException {
        while (true) {
            long left = nanoDeadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 100)));
        }
    }
}
