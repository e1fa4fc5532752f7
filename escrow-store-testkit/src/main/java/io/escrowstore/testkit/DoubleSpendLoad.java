package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.ReadConsistency;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.raft.RaftPaymentStore;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Closed-loop claim traffic with deliberate double-spend attempts, plus linearizable reads. Each
 * client thread owns some channels (nonce 0, already synced), builds each channel's next payment
 * and shows that same payment to two or three different running nodes at once, as several
 * replicas would be shown it by a cheating client; with probability {@code readShare} it also reads
 * the channel on a random node meanwhile. The client moves on with the first answer that carries
 * the channel's state; slower calls (a replica cut off from the leader waits for its deadline)
 * finish in the background, at most 16 per client. When every answer of a round failed, the client
 * reads the channel back to learn where it stands. Every call is recorded in a {@link History}
 * (invocation before the call, completion after it). Stopped nodes are not called; isolated ones
 * are. {@link #close()} waits for every call to end.
 *
 * <pre>{@code
 * try (DoubleSpendLoad load = DoubleSpendLoad.builder(cluster, history).channels(ids).clients(8).start()) {
 *     // inject faults while it runs
 * }
 * }</pre>
 */
public final class DoubleSpendLoad implements AutoCloseable {
    private static final int MAX_OUTSTANDING = 16;
    private static final long OVERDUE_GRACE_MILLIS = 10_000;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private final EscrowCluster cluster;
    private final History history;
    private final List<Long> channels;
    private final int clients;
    private final long price;
    private final long seed;
    private final double readShare;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder attempted = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder indeterminate = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder overdue = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
    private volatile boolean running;

    private DoubleSpendLoad(Builder builder) {
        this.cluster = builder.cluster;
        this.history = builder.history;
        this.channels = List.copyOf(builder.channels);
        this.clients = builder.clients;
        this.price = builder.price;
        this.seed = builder.seed;
        this.readShare = builder.readShare;
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    /** A load on {@code cluster}, recorded in {@code history}. */
    public static Builder builder(EscrowCluster cluster, History history) {
        return new Builder(cluster, history);
    }

    /** Starts the client threads. */
    public synchronized DoubleSpendLoad start() {
        running = true;
        for (int c = 0; c < clients; c++) {
            List<Long> owned = new ArrayList<>();
            for (int i = c; i < channels.size(); i += clients) {
                owned.add(channels.get(i));
            }
            Client client = new Client("client-" + c, owned, new Random(seed * 31 + c));
            Thread thread = new Thread(client::run, "double-spend-" + c);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    /** Stops the clients and waits for their calls in flight to end (each ends by its request deadline). */
    @Override
    public synchronized void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    /** Claim calls made. */
    public long attempted() {
        return attempted.sum();
    }

    /** Claims answered {@code Accepted}. */
    public long accepted() {
        return accepted.sum();
    }

    /** Claims answered {@code Rejected} for {@code reason}. */
    public long rejected(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    /** Claims answered {@code Rejected}, all reasons. */
    public long rejected() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Claims that failed with an outcome unknown to the caller. */
    public long indeterminate() {
        return indeterminate.sum();
    }

    /** Claims that failed with an exception the store documents as "not applied". */
    public long failed() {
        return failed.sum();
    }

    /** Linearizable reads made. */
    public long reads() {
        return reads.sum();
    }

    /** One simulated client and the replicas it talks to. */
    private final class Client {
        private final String name;
        private final List<Long> owned;
        private final Random random;
        private final Map<Long, BigInteger> nextAmount = new HashMap<>();
        private final Deque<CompletableFuture<Optional<ChannelState>>> outstanding = new ArrayDeque<>();
        private long sequence;

        Client(String name, List<Long> owned, Random random) {
            this.name = name;
            this.owned = owned;
            this.random = random;
        }

        void run() {
            while (running) {
                List<Integer> nodes = new ArrayList<>(cluster.running());
                if (nodes.isEmpty()) {
                    LockSupport.parkNanos(IDLE_NANOS); // every node stopped: back off instead of spinning
                    continue;
                }
                long channel = owned.get(random.nextInt(owned.size()));
                BigInteger amount = nextAmount.getOrDefault(channel, BigInteger.valueOf(price));
                Payment payment = TestChannels.payment(channel, 0, amount.longValueExact());
                Collections.shuffle(nodes, random);
                int shown = Math.min(nodes.size(), 2 + random.nextInt(2));
                long round = sequence++;
                List<CompletableFuture<Optional<ChannelState>>> calls = new ArrayList<>();
                for (int i = 0; i < shown; i++) {
                    int node = nodes.get(i);
                    RequestId id = new RequestId(name + "/" + round + "/n" + node);
                    calls.add(present(node, "replica-" + node + "/" + name, ClaimRequest.of(payment,
                            BigInteger.valueOf(price), id)));
                }
                if (random.nextDouble() < readShare) {
                    calls.add(read(nodes.get(random.nextInt(nodes.size())), channel));
                }
                Optional<ChannelState> latest = firstAnswer(calls);
                if (latest.isEmpty()) {
                    latest = read(nodes.get(0), channel).join();
                }
                latest.ifPresent(state -> nextAmount.put(channel, state.authorizedAmount().add(BigInteger.valueOf(price))));
                calls.stream().filter(call -> !call.isDone()).forEach(outstanding::add);
                bound();
            }
            outstanding.forEach(CompletableFuture::join);
        }

        /**
         * The first answer that carries the channel's state, as a replica would use it; empty if
         * every call failed. The other calls keep running (a replica cut off from the leader
         * does not hold its peers back) and are tracked as outstanding.
         */
        private Optional<ChannelState> firstAnswer(List<CompletableFuture<Optional<ChannelState>>> calls) {
            List<CompletableFuture<Optional<ChannelState>>> pending = new ArrayList<>(calls);
            while (!pending.isEmpty()) {
                CompletableFuture.anyOf(pending.toArray(new CompletableFuture<?>[0])).join();
                for (CompletableFuture<Optional<ChannelState>> call : List.copyOf(pending)) {
                    if (call.isDone()) {
                        pending.remove(call);
                        if (call.join().isPresent()) {
                            return call.join();
                        }
                    }
                }
            }
            return Optional.empty();
        }

        /** At most {@link #MAX_OUTSTANDING} calls of this client still running in the background. */
        private void bound() {
            outstanding.removeIf(CompletableFuture::isDone);
            while (outstanding.size() > MAX_OUTSTANDING) {
                outstanding.poll().join();
            }
        }

        /** Claims on one node; completes with the state the answer carried, empty if it failed. */
        private CompletableFuture<Optional<ChannelState>> present(int node, String process, ClaimRequest request) {
            RaftPaymentStore store = runningNode(node);
            if (store == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            History.Invocation call = history.invokeClaim(process, node, request);
            attempted.increment();
            return invoke(() -> store.claimAsync(request)).handle((result, error) -> {
                if (error != null) {
                    (call.failed(error) == History.Outcome.FAILED ? failed : indeterminate).increment();
                    return Optional.empty();
                }
                call.claimed(result);
                if (result instanceof Rejected r) {
                    rejected.get(r.reason()).increment();
                    return r.state();
                }
                accepted.increment();
                return Optional.of(((Accepted) result).state());
            });
        }

        /** A linearizable read on one node; completes with its value, empty if it failed. */
        private CompletableFuture<Optional<ChannelState>> read(int node, long channel) {
            RaftPaymentStore store = runningNode(node);
            if (store == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            ChannelId id = ChannelId.of(channel);
            History.Invocation call = history.invokeRead("reader/" + name, node, id);
            reads.increment();
            return invoke(() -> store.channelAsync(id, ReadConsistency.LINEARIZABLE)).handle((state, error) -> {
                if (error != null) {
                    call.failed(error);
                    return Optional.empty();
                }
                call.read(state);
                return state;
            });
        }

        private RaftPaymentStore runningNode(int node) {
            try {
                return cluster.node(node);
            } catch (IllegalStateException stopped) {
                return null;
            }
        }
    }

    /**
     * Runs one store call. A call the store has not ended within its deadline plus
     * {@link #OVERDUE_GRACE_MILLIS} ends here with a {@link TimeoutException} (recorded as
     * indeterminate) and is counted by {@link #overdue()}: the store promises every call ends by its
     * deadline, and the load must never hang.
     */
    private <T> CompletableFuture<T> invoke(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return future.orTimeout(cluster.config(0).requestTimeout().toMillis() + OVERDUE_GRACE_MILLIS,
                TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
                    if (error instanceof TimeoutException) {
                        overdue.increment();
                    }
                });
    }

    /** Calls the store did not end within their deadline (plus a grace period): expected 0. */
    public long overdue() {
        return overdue.sum();
    }

    /** Settings of a {@link DoubleSpendLoad}. */
    public static final class Builder {
        private final EscrowCluster cluster;
        private final History history;
        private List<Long> channels = List.of();
        private int clients = 8;
        private long price = 10;
        private long seed = 1;
        private double readShare = 0.25;

        private Builder(EscrowCluster cluster, History history) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.history = Objects.requireNonNull(history, "history");
        }

        /** Ids of channels already synced into the store at nonce 0 with enough value. Required. */
        public Builder channels(List<Long> channels) {
            this.channels = List.copyOf(channels);
            return this;
        }

        /** Client threads, 1..channels (each owns {@code channels / clients} channels). Default 8. */
        public Builder clients(int clients) {
            this.clients = clients;
            return this;
        }

        /** Price of every call. Default 10. */
        public Builder price(long price) {
            this.price = price;
            return this;
        }

        /** Seed of the clients' random choices. Default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Probability, 0..1, that a round also reads the channel on a random node. Default 0.25. */
        public Builder readShare(double readShare) {
            this.readShare = readShare;
            return this;
        }

        /** Builds the load without starting it. */
        public DoubleSpendLoad build() {
            if (clients < 1 || clients > channels.size()) {
                throw new IllegalArgumentException("clients must be 1.." + channels.size() + " but was " + clients);
            }
            if (price < 1) {
                throw new IllegalArgumentException("price must be >= 1 but was " + price);
            }
            if (readShare < 0 || readShare > 1) {
                throw new IllegalArgumentException("readShare must be 0..1 but was " + readShare);
            }
            return new DoubleSpendLoad(this);
        }

        /** Builds and starts the load. */
        public DoubleSpendLoad start() {
            return build().start();
        }
    }
}
