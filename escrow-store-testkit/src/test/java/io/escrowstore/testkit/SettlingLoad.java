package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.Payment;
import io.escrowstore.Rejected;
import io.escrowstore.Settlement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client thread per channel that follows the channel's nonce across settlements, showing each
 * payment to two nodes at once, and checks as it goes that no payment is accepted twice and that
 * every settlement covers what was acknowledged at its nonce.
 */
final class SettlingLoad implements AutoCloseable {
    private final EscrowCluster cluster;
    private final long[] channels;
    private final long price;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Integer> accepts = new ConcurrentHashMap<>();
    private final Map<String, BigInteger> highestAccepted = new ConcurrentHashMap<>();
    private final Map<Long, BigInteger> settledByChannel = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean running = true;

    SettlingLoad(EscrowCluster cluster, long[] channels, long price) {
        this.cluster = cluster;
        this.channels = channels.clone();
        this.price = price;
    }

    void start() {
        for (long channel : channels) {
            Thread thread = new Thread(() -> run(channel), "settling-client-" + channel);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run(long channel) {
        ChannelState state = cluster.anyNode().channel(ChannelId.of(channel)).orElseThrow();
        while (running) {
            BigInteger amount = state.authorizedAmount().add(BigInteger.valueOf(price));
            Payment payment = new Payment(ChannelId.of(channel), state.nonce(), amount,
                    TestChannels.signature(channel, state.nonce().longValueExact(), amount.longValueExact()));
            List<CompletableFuture<ClaimResult>> calls = new ArrayList<>();
            List<Integer> up = new ArrayList<>(cluster.running());
            Collections.shuffle(up);
            for (int node : up.subList(0, Math.min(2, up.size()))) {
                calls.add(cluster.node(node).claimAsync(ClaimRequest.of(payment, BigInteger.valueOf(price))));
            }
            Optional<ChannelState> latest = Optional.empty();
            for (CompletableFuture<ClaimResult> call : calls) {
                Optional<ChannelState> seen = outcome(payment, call);
                if (seen.isPresent() && (latest.isEmpty() || seen.get().revision() > latest.get().revision())) {
                    latest = seen;
                }
            }
            state = latest.orElseGet(() -> readBack(channel));
        }
    }

    private Optional<ChannelState> outcome(Payment payment, CompletableFuture<ClaimResult> call) {
        ClaimResult result;
        try {
            result = call.join();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (result instanceof Accepted a) {
            String key = payment.channelId().value() + "/" + payment.nonce() + "/" + payment.amount();
            if (accepts.merge(key, 1, Integer::sum) > 1) {
                violations.add("accepted twice: " + key);
            }
            highestAccepted.merge(payment.channelId().value() + "/" + payment.nonce(), payment.amount(), BigInteger::max);
            accepted.incrementAndGet();
            return Optional.of(a.state());
        }
        return ((Rejected) result).state();
    }

    private ChannelState readBack(long channel) {
        while (true) {
            try {
                return cluster.anyNode().channel(ChannelId.of(channel)).orElseThrow();
            } catch (RuntimeException e) {
                if (!running) {
                    throw e;
                }
            }
        }
    }

    /** Records a started settlement and checks it covers every acknowledged acceptance at its nonce. */
    void settled(Settlement settlement) {
        long channel = settlement.channelId().value().longValueExact();
        settledByChannel.merge(channel, settlement.amount(), BigInteger::add);
        BigInteger acknowledged = highestAccepted.get(channel + "/" + settlement.nonce());
        if (acknowledged != null && settlement.amount().compareTo(acknowledged) < 0) {
            violations.add("settlement " + settlement + " below acknowledged " + acknowledged);
        }
    }

    BigInteger settledOn(long channel) {
        return settledByChannel.getOrDefault(channel, BigInteger.ZERO);
    }

    long accepted() {
        return accepted.get();
    }

    void resetAccepted() {
        accepted.set(0);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
