package io.escrowstore.example.paid.replica;

import io.escrowstore.Address;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.example.paid.chain.Ethereum;
import io.escrowstore.example.paid.chain.MultiPartyEscrow;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.TlsConfig;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica of the paid service, in its own process: an embedded store node (mutual TLS to the
 * other replicas' nodes), the paid Calculator behind the {@link PaymentInterceptor}, and the
 * provider control API, all on loopback. Arguments are {@code key=value}: name, self, members,
 * data, grpcPort, chainUrl, mpe, recipient, group, price, threshold, keyStore, trustStore,
 * storePassword. Prints {@code @@ READY} on stdout once it serves; runs until killed or until its
 * standard input closes (the process that started it is gone), so no replica outlives its story.
 */
public final class ReplicaMain {
    /** How often the replica reads the chain's block number; a local chain mines on demand, mainnet every ~12 s. */
    private static final Duration BLOCK_POLL = Duration.ofMillis(200);

    private ReplicaMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        System.setOut(System.err); // stdout carries the READY line only
        Map<String, String> a = parse(args);
        char[] password = a.get("storePassword").toCharArray();
        RaftPaymentStore store = RaftPaymentStore.open(RaftStoreConfig.builder()
                .groupId(GroupId.fromHex(a.get("group")))
                .self(Member.parse(a.get("self")))
                .members(Arrays.stream(a.get("members").split(",")).map(Member::parse).toList())
                .dataDir(Path.of(a.get("data")))
                .electionTimeout(Duration.ofMillis(1000))
                .requestTimeout(Duration.ofSeconds(5))
                .tls(TlsConfig.builder().keyStore(Path.of(a.get("keyStore")), password)
                        .trustStore(Path.of(a.get("trustStore")), password).build())
                .build());
        Ethereum chain = Ethereum.connect(a.get("chainUrl"));
        MultiPartyEscrow mpe = new MultiPartyEscrow(chain, Address.fromHex(a.get("mpe")));
        EscrowChainReader reader = new EscrowChainReader(chain, mpe);
        BlockFollower blocks = new BlockFollower(reader, BLOCK_POLL);
        PaymentGate gate = new PaymentGate(new PaymentGate.Terms(mpe.address(), Address.fromHex(a.get("recipient")),
                GroupId.fromHex(a.get("group")), new BigInteger(a.get("price")), new BigInteger(a.get("threshold"))),
                new ChannelViews(reader, blocks), store);
        String name = a.get("name");
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(a.get("grpcPort"))))
                .addService(ServerInterceptors.intercept(new CalculatorService(name), new PaymentInterceptor(gate)))
                .addService(new ProviderControlService(name, store))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            blocks.close();
            store.close();
            chain.close();
        }, "replica-shutdown"));
        out.println("@@ READY");
        out.flush();
        while (System.in.read() >= 0) {
            // nothing is sent on standard input; it only closes when the parent process is gone
        }
        System.exit(0); // runs the shutdown hook

    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value but got " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        for (String key : List.of("name", "self", "members", "data", "grpcPort", "chainUrl", "mpe", "recipient",
                "group", "price", "threshold", "keyStore", "trustStore", "storePassword")) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("missing argument " + key + "=...");
            }
        }
        return values;
    }
}
