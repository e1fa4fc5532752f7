package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.raft.RaftPaymentStore;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * RELIABILITY suite 8 traffic: each payment is shown to a single replica (one store node), which
 * retries it <em>with the same request id</em> after an {@link IndeterminateOutcomeException}, any
 * other failure, or its own patience running out, until it gets an answer or its deadline passes.
 * A payment with all its attempts is one operation in the history, so a retry must answer as the
 * first attempt did: with request-id deduplication it does; without, a retry of a payment that
 * already took effect is rejected and the checkers see an amount no operation explains. A share
 * of first replies is deliberately lost: the replica waits until the first attempt ended,
 * discards its answer and asks again. Each replica owns its channel, so nobody else claims its
 * payments.
 */
final class RetryingReplicas implements AutoCloseable {
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration PAYMENT_DEADLINE = Duration.ofSeconds(15);

    private final EscrowCluster cluster;
    private final History history;
    private final long price;
    private final Duration patience;
    private final double lostReplyShare;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder answered = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder ambiguousRetried = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param patience how long a replica waits for one attempt before it retries
     * @param lostReplyShare share of payments whose first reply is lost (0 .. 1)
     */
    private RetryingReplicas(EscrowCluster cluster, History history, long price, Duration patience,
            double lostReplyShare) {
        this.cluster = cluster;
        this.history = history;
        this.price = price;
        this.patience = patience;
        this.lostReplyShare = lostReplyShare;
    }

    /** Starts one replica thread per channel; the channels must be open and used by no other load. */
    static RetryingReplicas start(EscrowCluster cluster, History history, List<Long> channels, long price, long seed,
            Duration patience, double lostReplyShare) {
        RetryingReplicas replicas = new RetryingReplicas(cluster, history, price, patience, lostReplyShare);
        for (long channel : channels) {
            Random random = new Random(seed * 31 + channel);
            Thread thread = new Thread(() -> replicas.run(channel, random), "retrying-replica-c" + channel);
            thread.setDaemon(true);
            replicas.threads.add(thread);
            thread.start();
        }
        return replicas;
    }

    /** Payments that got a definite answer (accepted or rejected). */
    long answered() {
        return answered.sum();
    }

    long accepted() {
        return accepted.sum();
    }

    /** Attempts after the first, all with the request id of their payment. */
    long retries() {
        return retries.sum();
    }

    /** Payments retried after an attempt whose outcome was unknown (lost reply, timeout, indeterminate). */
    long ambiguousRetried() {
        return ambiguousRetried.sum();
    }

    /** Waits until {@code more} further payments got a definite answer. */
    void awaitAnswered(long more) {
        long target = answered() + more;
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> target + " answered retried payments (now " + answered()
                + ", running " + cluster.running() + ", links " + cluster.network().describe() + ")",
                () -> answered() >= target);
    }

    private void run(long channel, Random random) {
        BigInteger amount = BigInteger.valueOf(price);
        long sequence = 0;
        while (running) {
            List<Integer> nodes = cluster.running();
            if (nodes.isEmpty()) {
                LockSupport.parkNanos(BACKOFF_NANOS);
                continue;
            }
            int node = nodes.get(random.nextInt(nodes.size()));
            String process = "retrier-c" + channel;
            ClaimRequest request = ClaimRequest.of(TestChannels.payment(channel, 0, amount.longValueExact()),
                    BigInteger.valueOf(price), new RequestId(process + "/" + sequence++));
            boolean loseFirstReply = random.nextDouble() < lostReplyShare;
            History.Invocation call = history.invokeClaim(process, node, request);
            Optional<ChannelState> state = pay(node, request, call, loseFirstReply);
            BigInteger known = state.map(ChannelState::authorizedAmount).orElse(amount);
            amount = known.max(amount).add(BigInteger.valueOf(price));
        }
    }

    /** Shows {@code request} to {@code node} until a definite answer; records it; returns the state it carried. */
    private Optional<ChannelState> pay(int node, ClaimRequest request, History.Invocation call, boolean loseFirstReply) {
        long deadline = System.nanoTime() + PAYMENT_DEADLINE.toNanos();
        boolean ambiguous = false;
        Throwable last = null;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                retries.increment();
                if (ambiguous && attempt == 1) {
                    ambiguousRetried.increment();
                }
            }
            RaftPaymentStore store = runningNode(node);
            CompletableFuture<ClaimResult> future = null;
            if (store == null) {
                last = new IllegalStateException("node " + node + " is stopped");
            } else {
                try {
                    future = store.claimAsync(request);
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            if (future != null && attempt == 0 && loseFirstReply) {
                awaitQuietly(future, cluster.config(node).requestTimeout().plusSeconds(2));
                ambiguous = true;
                last = new IllegalStateException("first reply lost");
                continue;
            }
            if (future != null) {
                try {
                    ClaimResult result = future.get(patience.toMillis(), TimeUnit.MILLISECONDS);
                    call.claimed(result);
                    answered.increment();
                    if (result instanceof Accepted a) {
                        accepted.increment();
                        return Optional.of(a.state());
                    }
                    return ((Rejected) result).state();
                } catch (TimeoutException e) {
                    ambiguous = true;
                    last = e;
                } catch (ExecutionException e) {
                    last = e.getCause();
                    ambiguous |= !(last instanceof StoreUnavailableException
                            || last instanceof StoreOverloadedException);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    last = e;
                    ambiguous = true;
                }
            }
            if (!running || System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                call.failed(ambiguous ? new IndeterminateOutcomeException(request.requestId(),
                        "no answer after " + (attempt + 1) + " attempts, last: " + last) : last);
                return Optional.empty();
            }
            LockSupport.parkNanos(BACKOFF_NANOS);
        }
    }

    private static void awaitQuietly(CompletableFuture<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the reply is "lost" either way
        }
    }

    private RaftPaymentStore runningNode(int node) {
        try {
            return cluster.node(node);
        } catch (IllegalStateException stopped) {
            return null;
        }
    }

    /** Stops every replica after its current payment (bounded by the payment deadline). */
    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + PAYMENT_DEADLINE.plusSeconds(5).toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the retrying replicas", e);
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop");
            }
        }
    }

    @Override
    public String toString() {
        return "retrying replicas (" + threads.size() + " channels)";
    }
}
