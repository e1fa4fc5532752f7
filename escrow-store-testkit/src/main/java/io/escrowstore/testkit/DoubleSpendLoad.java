package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.raft.RaftPaymentStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop claim traffic with deliberate double-spend attempts: each client thread owns some
 * channels, builds each channel's next payment and shows that same payment to two or three
 * different nodes at once, as several replicas would be shown it by a cheating client. Every call
 * is recorded in a {@link History}. Stopped nodes are skipped; failed calls are resolved by reading
 * the channel back.
 */
public final class DoubleSpendLoad implements AutoCloseable {
    private final EscrowCluster cluster;
    private final List<Long> channels;
    private final int clients;
    private final long price;
    private final long seed;
    private final History history;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder attempted = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
    private volatile boolean running;

    /**
     * @param cluster the nodes to call
     * @param channels ids of channels already synced into the store, at nonce 0
     * @param clients number of client threads (each owns {@code channels / clients} channels)
     * @param price price of every call
     * @param seed seed of the random choices
     * @param history where every call is recorded
     */
    public DoubleSpendLoad(EscrowCluster cluster, List<Long> channels, int clients, long price, long seed,
            History history) {
        if (clients < 1 || clients > channels.size()) {
            throw new IllegalArgumentException("clients must be 1.." + channels.size() + " but was " + clients);
        }
        this.cluster = cluster;
        this.channels = List.copyOf(channels);
        this.clients = clients;
        this.price = price;
        this.seed = seed;
        this.history = history;
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
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

    /** Stops the clients and waits for their calls in flight to end. */
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

    /** Calls answered {@code Accepted}. */
    public long accepted() {
        return accepted.sum();
    }

    /** Calls answered {@code Rejected} for {@code reason}. */
    public long rejected(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    /** Calls answered {@code Rejected}, all reasons. */
    public long rejected() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Calls that failed with an exception (outcome unknown to the caller). */
    public long unknown() {
        return unknown.sum();
    }

    /** One simulated client and the replicas it talks to. */
    private final class Client {
        private final String name;
        private final List<Long> owned;
        private final Random random;
        private final Map<Long, BigInteger> nextAmount = new HashMap<>();

        Client(String name, List<Long> owned, Random random) {
            this.name = name;
            this.owned = owned;
            this.random = random;
        }

        void run() {
            while (running) {
                long channel = owned.get(random.nextInt(owned.size()));
                BigInteger amount = nextAmount.getOrDefault(channel, BigInteger.valueOf(price));
                Payment payment = TestChannels.payment(channel, 0, amount.longValueExact());
                List<Integer> nodes = new ArrayList<>(cluster.running());
                if (nodes.isEmpty()) {
                    continue;
                }
                Collections.shuffle(nodes, random);
                int shown = Math.min(nodes.size(), 2 + random.nextInt(2));
                List<CompletableFuture<Optional<ChannelState>>> calls = new ArrayList<>();
                boolean anyAccepted = false;
                for (int i = 0; i < shown; i++) {
                    calls.add(present(nodes.get(i), "replica-" + nodes.get(i) + "/" + name, payment));
                }
                Optional<ChannelState> latest = Optional.empty();
                for (CompletableFuture<Optional<ChannelState>> call : calls) {
                    Optional<ChannelState> state = call.join();
                    if (state.isPresent() && (latest.isEmpty()
                            || state.get().revision() > latest.get().revision())) {
                        latest = state;
                    }
                }
                if (latest.isEmpty()) {
                    latest = readBack(channel);
                }
                latest.ifPresent(state -> nextAmount.put(channel, state.authorizedAmount().add(BigInteger.valueOf(price))));
            }
        }

        /** Calls one node; completes with the state the answer carried, empty if it failed. */
        private CompletableFuture<Optional<ChannelState>> present(int node, String process, Payment payment) {
            ClaimRequest request = ClaimRequest.of(payment, BigInteger.valueOf(price));
            long start = System.nanoTime();
            attempted.increment();
            CompletableFuture<ClaimResult> call;
            try {
                RaftPaymentStore store = cluster.node(node);
                call = store.claimAsync(request);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            return call.handle((result, error) -> {
                if (error != null) {
                    unknown.increment();
                    history.failed(process, node, request, error instanceof CompletionException
                            ? error.getCause() : error, start);
                    return Optional.empty();
                }
                history.completed(process, node, request, result, start);
                if (result instanceof Rejected r) {
                    rejected.get(r.reason()).increment();
                    return r.state();
                }
                accepted.increment();
                return Optional.of(((Accepted) result).state());
            });
        }

        private Optional<ChannelState> readBack(long channel) {
            try {
                return cluster.anyNode().channel(ChannelId.of(channel));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
