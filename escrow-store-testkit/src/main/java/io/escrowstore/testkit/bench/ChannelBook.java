package io.escrowstore.testkit.bench;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The benchmark's own view of every channel it claims on: the authorized amount it expects the
 * store to hold, and whether a client is using the channel right now. A client takes a free channel
 * at random, so each claim is the valid next payment of its channel (two clients never race on one
 * channel); a rejection that the benchmark did not provoke is therefore an anomaly, counted apart.
 * Channel ids are {@code firstId .. firstId + count - 1}.
 */
final class ChannelBook {
    private final long firstId;
    private final AtomicLongArray authorized;
    private final AtomicIntegerArray busy;
    /** Channels whose state is unknown after a call ended without an answer (indeterminate). */
    private final AtomicIntegerArray doubtful;

    ChannelBook(long firstId, int count) {
        this.firstId = firstId;
        this.authorized = new AtomicLongArray(count);
        this.busy = new AtomicIntegerArray(count);
        this.doubtful = new AtomicIntegerArray(count);
    }

    int size() {
        return authorized.length();
    }

    long channelId(int slot) {
        return firstId + slot;
    }

    /** Takes a channel no other client holds, chosen uniformly among {@code from, from + step, ...}. */
    int take(SplittableRandom random, int from, int step) {
        int choices = (size() - from + step - 1) / step;
        while (true) {
            int slot = from + random.nextInt(choices) * step;
            if (busy.compareAndSet(slot, 0, 1)) {
                return slot;
            }
            Thread.onSpinWait();
        }
    }

    void release(int slot) {
        busy.set(slot, 0);
    }

    long authorized(int slot) {
        return authorized.get(slot);
    }

    void setAuthorized(int slot, long amount) {
        authorized.set(slot, amount);
    }

    void markDoubtful(int slot) {
        doubtful.set(slot, 1);
    }

    boolean doubtful(int slot) {
        return doubtful.get(slot) != 0;
    }

    void clearDoubt(int slot) {
        doubtful.set(slot, 0);
    }
}
