package io.escrowstore.example.paid.story;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.example.paid.chain.Contracts;
import io.escrowstore.example.paid.chain.Ethereum;
import io.escrowstore.example.paid.chain.LocalChain;
import io.escrowstore.example.paid.client.PayingClient;
import io.escrowstore.example.paid.payment.ClaimMessage;
import io.escrowstore.example.paid.story.ReplicaCluster.Replica;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.web3j.crypto.Hash;

/**
 * Measures the paid service on this machine: latency of a paid call (signature recovery, chain
 * view, store claim, service) through the leader's replica and through a follower's, with one
 * client and with 16 (each on its own channel, calls back to back); the cost of signature
 * recovery alone; and the paid calls per second three replicas serve with 16 clients spread over
 * them. Arguments: calls per client per cell (default 300), throughput seconds (default 10).
 */
public final class PaidServiceBench {
    private static final BigInteger PRICE = BigInteger.ONE;
    private static final int CLIENTS = 16;

    private PaidServiceBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        signatureRecovery();
        PaidServiceStory.Accounts accounts = PaidServiceStory.Accounts.demo();
        Path work = Files.createTempDirectory("paid-service-bench");
        Path chainDir = LocalChain.defaultDir();
        try (LocalChain chain = LocalChain.start(chainDir, List.of(accounts.deployer(), accounts.sender(),
                accounts.recipient()), work.resolve("ganache.log"));
                Ethereum ethereum = Ethereum.connect(chain.url())) {
            Contracts.Deployed contracts = Contracts.deploy(ethereum, chainDir, accounts.deployer());
            Address recipient = ClaimMessage.addressOf(accounts.recipient());
            GroupId group = new GroupId(Hash.sha3("paid-service bench group".getBytes(StandardCharsets.UTF_8)));
            List<ChannelId> channels = ChannelOpening.open(ethereum, contracts, accounts.deployer(), accounts.sender(),
                    ClaimMessage.addressOf(accounts.signer()), recipient, group, BigInteger.valueOf(10_000_000),
                    BigInteger.valueOf(1_000_000), CLIENTS);
            List<PayingClient> clients = channels.stream().map(c -> new PayingClient(contracts.mpe().address(), c,
                    accounts.signer(), PRICE)).toList();
            try (ReplicaCluster replicas = ReplicaCluster.start(3, work, new ReplicaCluster.Terms(chain.url(),
                    contracts.mpe().address().toHex(), recipient.toHex(), group, PRICE, BigInteger.valueOf(100)))) {
                Replica leader = replicas.awaitLeader(Duration.ofSeconds(60));
                Replica follower = replicas.alive().stream().filter(r -> r != leader).findFirst().orElseThrow();
                latency("warm-up", clients, 16, calls / 3, i -> leader);
                latency("leader's replica, 1 client", clients, 1, calls, i -> leader);
                latency("follower's replica, 1 client", clients, 1, calls, i -> follower);
                latency("leader's replica, 16 clients", clients, 16, calls, i -> leader);
                latency("follower's replica, 16 clients", clients, 16, calls, i -> follower);
                throughput(clients, replicas.alive(), Duration.ofSeconds(seconds));
            }
        } finally {
            PaidServiceStory.deleteTree(work);
        }
        System.exit(0);
    }

    private static void signatureRecovery() {
        ClaimMessage message = new ClaimMessage(Address.fromHex("0x5b1869d9a4c187f2eaa108f3062412ecf0526b24"),
                ChannelId.of(1), BigInteger.ZERO, BigInteger.TEN);
        var signature = message.sign(PaidServiceStory.Accounts.demo().signer());
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            message.recoverSigner(signature); // warm-up
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            message.recoverSigner(signature);
        }
        long perCall = (System.nanoTime() - start) / n;
        System.out.printf("signature recovery (hash + ecrecover): %.1f us per call%n", perCall / 1000.0);
    }

    /** {@code clientCount} clients each make {@code calls} paid calls back to back, at the replica {@code target} picks. */
    private static void latency(String cell, List<PayingClient> clients, int clientCount, int calls,
            IntFunction<Replica> target) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clientCount);
        try {
            List<Future<long[]>> runs = new ArrayList<>();
            for (int c = 0; c < clientCount; c++) {
                PayingClient client = clients.get(c);
                runs.add(pool.submit(() -> {
                    long[] nanos = new long[calls];
                    for (int i = 0; i < calls; i++) {
                        Payment payment = client.nextPayment();
                        long start = System.nanoTime();
                        PayingClient.add(target.apply(i).channel(), payment, i, 1);
                        nanos[i] = System.nanoTime() - start;
                        client.accepted(payment);
                    }
                    return nanos;
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> run : runs) {
                long[] part = run.get();
                long[] merged = Arrays.copyOf(all, all.length + part.length);
                System.arraycopy(part, 0, merged, all.length, part.length);
                all = merged;
            }
            Arrays.sort(all);
            System.out.printf("%-32s calls %6d  p50 %7.2f ms  p99 %7.2f ms%n", cell, all.length,
                    all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
        } finally {
            pool.shutdownNow();
        }
    }

    /** 16 clients, each call to the next replica in turn, for {@code length}: paid calls per second. */
    private static void throughput(List<PayingClient> clients, List<Replica> replicas, Duration length)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            long end = System.nanoTime() + length.toNanos();
            List<Future<Integer>> runs = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                PayingClient client = clients.get(c);
                int first = c;
                runs.add(pool.submit(() -> {
                    int served = 0;
                    while (System.nanoTime() < end) {
                        Payment payment = client.nextPayment();
                        PayingClient.add(replicas.get((first + served) % replicas.size()).channel(), payment, 1, 1);
                        client.accepted(payment);
                        served++;
                    }
                    return served;
                }));
            }
            int total = 0;
            for (Future<Integer> run : runs) {
                total += run.get();
            }
            System.out.printf("throughput, 16 clients over 3 replicas: %d paid calls in %d s = %.0f calls/s%n", total,
                    length.toSeconds(), total / (double) length.toSeconds());
        } finally {
            pool.shutdownNow();
        }
    }
}
