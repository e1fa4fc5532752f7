package io.escrowstore.testkit.bench;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.NoQuorumException;
import io.escrowstore.Payment;
import io.escrowstore.PaymentStore;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.testkit.TestChannels;
import java.math.BigInteger;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One closed-loop client: one call at a time. Each round takes a free channel at random, claims
 * its valid next payment (authorized amount + price, the channel's nonce) on this client's node and,
 * with probability {@code replayFraction} after an acceptance, shows the very same payment to
 * another node under a new request id (as a cheating client would show it to a second replica),
 * which must be rejected with {@code ALREADY_CLAIMED}. Calls inside the {@code measured} window
 * are measured; the client stops at its end. Accepted claims inside the {@code cold} window (the
 * start of the warm-up) are also recorded apart.
 */
final class ClaimClient implements Runnable {
    private static final BigInteger NONCE = BigInteger.ZERO;

    private final int id;
    private final PaymentStore node;
    private final PaymentStore replayNode;
    private final ChannelBook book;
    private final int channelFrom;
    private final int channelStep;
    private final long price;
    private final BigInteger priceBig;
    private final double replayFraction;
    private final Window measuredWindow;
    private final Window coldWindow;
    private final SplittableRandom random;
    private final String requestPrefix;
    final ClientStats stats = new ClientStats();
    private long seq;

    /**
     * @param channelFrom,channelStep the channels this client may use: slots {@code from, from + step, ...}
     */
    ClaimClient(int id, PaymentStore node, PaymentStore replayNode, ChannelBook book, int channelFrom,
            int channelStep, long price, double replayFraction, Window measured, Window cold, long seed,
            String runTag) {
        this.id = id;
        this.node = node;
        this.replayNode = replayNode;
        this.book = book;
        this.channelFrom = channelFrom;
        this.channelStep = channelStep;
        this.price = price;
        this.priceBig = BigInteger.valueOf(price);
        this.replayFraction = replayFraction;
        this.measuredWindow = measured;
        this.coldWindow = cold;
        this.random = new SplittableRandom(seed * 1_000_003L + id);
        this.requestPrefix = runTag + "-c" + id + "/";
    }

    @Override
    public void run() {
        while (System.nanoTime() < measuredWindow.toNanos()) {
            int slot = book.take(random, channelFrom, channelStep);
            try {
                round(slot);
            } finally {
                book.release(slot);
            }
        }
    }

    private void round(int slot) {
        long channelId = book.channelId(slot);
        if (book.doubtful(slot) && !resync(slot, channelId)) {
            return;
        }
        long amount = book.authorized(slot) + price;
        Payment payment = new Payment(ChannelId.of(channelId), NONCE, BigInteger.valueOf(amount),
                TestChannels.signature(channelId, 0, amount));
        long t0 = System.nanoTime();
        ClaimResult result = call(node, payment, slot);
        long t1 = System.nanoTime();
        boolean measured = measuredWindow.holds(t0, t1);
        if (result == null) {
            return;
        }
        if (result instanceof Accepted) {
            book.setAuthorized(slot, amount);
            stats.acceptedTotal++;
            if (measured) {
                stats.acceptedCount++;
                stats.accepted.recordValue(t1 - t0);
            }
            if (coldWindow.holds(t0, t1)) {
                stats.coldAcceptedCount++;
                stats.coldAccepted.recordValue(t1 - t0);
            }
            if (replayFraction > 0 && random.nextDouble() < replayFraction) {
                replay(payment, slot);
            }
        } else if (result instanceof Rejected rejected) {
            if (measured) {
                stats.unexpected(rejected.reason());
            }
            rejected.state().ifPresent(s -> book.setAuthorized(slot, s.authorizedAmount().longValueExact()));
        }
    }

    private void replay(Payment payment, int slot) {
        long t0 = System.nanoTime();
        ClaimResult result = call(replayNode, payment, slot);
        long t1 = System.nanoTime();
        if (result == null || !measuredWindow.holds(t0, t1)) {
            if (result instanceof Accepted) {
                stats.replayAcceptedCount++;
            }
            return;
        }
        stats.replays.recordValue(t1 - t0);
        if (result instanceof Rejected rejected && rejected.reason() == RejectReason.ALREADY_CLAIMED) {
            stats.replayRejectedCount++;
        } else if (result instanceof Rejected rejected) {
            stats.unexpected(rejected.reason());
        } else {
            stats.replayAcceptedCount++;
        }
    }

    /** The claim's result, or null if the call failed (counted; the channel is re-read if in doubt). */
    private ClaimResult call(PaymentStore target, Payment payment, int slot) {
        long t0 = System.nanoTime();
        boolean measured = t0 >= measuredWindow.fromNanos();
        try {
            return target.claim(ClaimRequest.of(payment, priceBig, new RequestId(requestPrefix + seq++)));
        } catch (IndeterminateOutcomeException e) {
            stats.indeterminateTotal++;
            if (measured) {
                stats.indeterminate++;
            }
            stats.error(e);
            book.markDoubtful(slot);
        } catch (NoQuorumException e) {
            if (measured) {
                stats.noQuorum++;
            }
            stats.error(e);
        } catch (StoreOverloadedException e) {
            if (measured) {
                stats.overloaded++;
            }
            stats.error(e);
        } catch (RuntimeException e) {
            if (measured) {
                stats.otherErrors++;
            }
            stats.error(e);
            book.markDoubtful(slot);
        }
        pause();
        return null;
    }

    /** Learns a doubtful channel's state by a linearizable read; false if that failed too. */
    private boolean resync(int slot, long channelId) {
        try {
            Optional<ChannelState> state = node.channel(ChannelId.of(channelId));
            book.setAuthorized(slot, state.map(s -> s.authorizedAmount().longValueExact()).orElse(0L));
            book.clearDoubt(slot);
            return true;
        } catch (RuntimeException e) {
            stats.error(e);
            pause();
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
