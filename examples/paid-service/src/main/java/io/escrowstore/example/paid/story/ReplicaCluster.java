package io.escrowstore.example.paid.story;

import io.escrowstore.GroupId;
import io.escrowstore.example.paid.chain.LoopbackPorts;
import io.escrowstore.example.paid.proto.NodeStatusReply;
import io.escrowstore.example.paid.proto.NodeStatusRequest;
import io.escrowstore.example.paid.proto.ProviderControlGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The replicas of the paid service, each a JVM of its own ({@code ReplicaMain}) with its own store
 * node and data folder, the nodes joined by mutual TLS; and a gRPC channel to each replica.
 */
final class ReplicaCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** One replica: its name, its process, a channel to its gRPC port. */
    record Replica(String name, Process process, ManagedChannel channel) {
        boolean alive() {
            return process.isAlive();
        }
    }

    /** Everything every replica is started with. */
    record Terms(String chainUrl, String mpe, String recipient, GroupId group, BigInteger price,
            BigInteger expirationThreshold) {
    }

    private final List<Replica> replicas;

    private ReplicaCluster(List<Replica> replicas) {
        this.replicas = replicas;
    }

    /** Starts {@code count} replicas under {@code root} and waits until each serves. */
    static ReplicaCluster start(int count, Path root, Terms terms) {
        DemoCertificates certificates = new DemoCertificates();
        List<Integer> raftPorts = new ArrayList<>();
        List<Integer> grpcPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            raftPorts.add(LoopbackPorts.free());
            grpcPorts.add(LoopbackPorts.free());
        }
        String members = raftPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        List<Replica> started = new ArrayList<>();
        ReplicaCluster cluster = new ReplicaCluster(started);
        try {
            List<CompletableFuture<Void>> ready = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "replica-" + (i + 1);
                Path dir = root.resolve(name);
                DemoCertificates.NodeStores stores = certificates.issueLoopbackNode(dir.resolve("tls"));
                List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                        "io.escrowstore.example.paid.replica.ReplicaMain",
                        "name=" + name, "self=127.0.0.1:" + raftPorts.get(i), "members=" + members,
                        "data=" + dir.resolve("data"), "grpcPort=" + grpcPorts.get(i), "chainUrl=" + terms.chainUrl(),
                        "mpe=" + terms.mpe(), "recipient=" + terms.recipient(), "group=" + terms.group().toHex(),
                        "price=" + terms.price(), "threshold=" + terms.expirationThreshold(),
                        "keyStore=" + stores.keyStore(), "trustStore=" + stores.trustStore(),
                        "storePassword=" + DemoCertificates.PASSWORD);
                Process process = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve(name + ".log").toFile())).start();
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPorts.get(i)).usePlaintext()
                        .build();
                started.add(new Replica(name, process, channel));
                ready.add(CompletableFuture.runAsync(() -> awaitReady(name, process)));
            }
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot start a replica", e);
        } catch (ExecutionException | TimeoutException e) {
            cluster.close();
            throw new IllegalStateException("the replicas did not start within " + START_TIMEOUT
                    + " (their logs are in " + root + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void awaitReady(String name, Process process) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("@@ READY")) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(name + " exited before it served");
    }

    /** The replicas, in start order, dead ones included. */
    List<Replica> all() {
        return replicas;
    }

    /** The replicas still running. */
    List<Replica> alive() {
        return replicas.stream().filter(Replica::alive).toList();
    }

    /** The status of a replica's store node; empty if the replica does not answer. */
    Optional<NodeStatusReply> status(Replica replica, String channelId) {
        try {
            return Optional.of(ProviderControlGrpc.newBlockingStub(replica.channel())
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .nodeStatus(NodeStatusRequest.newBuilder().setChannelId(channelId).build()));
        } catch (StatusRuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until one live replica's node leads and every live one knows a leader.
     *
     * @return the leader's replica
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    Replica awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Replica leader = null;
            boolean allKnow = true;
            for (Replica r : alive()) {
                Optional<NodeStatusReply> s = status(r, "");
                allKnow &= s.map(NodeStatusReply::getHasLeader).orElse(false);
                if (s.map(NodeStatusReply::getLeader).orElse(false)) {
                    leader = r;
                }
            }
            if (leader != null && allKnow) {
                return leader;
            }
            try {
                Thread.sleep(100); // polling interval, not synchronisation: the loop re-checks the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("no leader among the replicas within " + timeout);
    }

    /** Kills a replica's process at once (SIGKILL), as a crash would; its node leaves the group's quorum. */
    void kill(Replica replica) {
        replica.process().destroyForcibly();
        try {
            replica.process().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every replica and closes the channels. */
    @Override
    public void close() {
        for (Replica r : replicas) {
            r.channel().shutdownNow();
            r.process().destroy();
        }
        for (Replica r : replicas) {
            try {
                if (!r.process().waitFor(15, TimeUnit.SECONDS)) {
                    r.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.process().destroyForcibly();
            }
        }
    }
}
