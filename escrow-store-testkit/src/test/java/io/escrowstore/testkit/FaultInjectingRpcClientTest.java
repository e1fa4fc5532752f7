package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.error.InvokeTimeoutException;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link semantics of the fault-injecting RPC client, against a fake transport. */
class FaultInjectingRpcClientTest {
    private static final Endpoint A = new Endpoint("127.0.0.1", 1);
    private static final Endpoint B = new Endpoint("127.0.0.1", 2);
    private static final Endpoint STRANGER = new Endpoint("127.0.0.1", 3);

    private final Network network = new Network(List.of(A, B), 7);
    private final EchoTransport transport = new EchoTransport();
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();

    FaultInjectingRpcClientTest() {
        LinkRegistry.register(network.table());
    }

    @AfterEach
    void unregister() {
        LinkRegistry.unregister(network.table());
        transport.responder.shutdownNow();
        callbacks.shutdownNow();
    }

    @Test
    void jraftPicksTheFaultInjectingFactoryOverBolts() {
        assertThat(RpcFactoryHelper.rpcFactory()).isInstanceOf(FaultInjectingRpcFactory.class);
    }

    @Test
    void healthyLinkDeliversOnTheCallersExecutor() throws Exception {
        Outcome outcome = call(client(A), B, ping(), 1_000);
        assertThat(outcome.response.get(2, TimeUnit.SECONDS)).isEqualTo("echo");
        assertThat(transport.received.get()).isEqualTo(1);
        assertThat(outcome.ranOnCallbackExecutor()).isTrue();
    }

    @Test
    void lostRequestFailsTheCallbackWithATimeoutAtTheDeadlineAndNeverReachesTheReceiver() throws Exception {
        network.cut(0, 1);
        long start = System.nanoTime();
        Outcome outcome = call(client(A), B, ping(), 300);
        Throwable error = outcome.error.get(2, TimeUnit.SECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(error).isInstanceOf(InvokeTimeoutException.class).hasMessageContaining("lost");
        assertThat(waited).isBetween(290L, 1_500L);
        assertThat(transport.received.get()).isZero();
        assertThat(network.messagesLost()).isEqualTo(1);
        assertThat(outcome.ranOnCallbackExecutor()).isTrue();
    }

    @Test
    void oneWayCutDeliversTheRequestButLosesTheAnswer() throws Exception {
        network.cut(1, 0);
        Outcome outcome = call(client(A), B, ping(), 300);
        assertThat(outcome.error.get(2, TimeUnit.SECONDS)).isInstanceOf(InvokeTimeoutException.class)
                .hasMessageContaining("response");
        assertThat(transport.received.get()).isEqualTo(1);
    }

    @Test
    void slowLinkDelaysWithoutBlockingTheSender() throws Exception {
        network.slowLinks(Duration.ofMillis(150), Duration.ZERO);
        long start = System.nanoTime();
        Outcome outcome = call(client(A), B, ping(), 2_000);
        long returnedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(outcome.response.get(3, TimeUnit.SECONDS)).isEqualTo("echo");
        long answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(returnedAfter).as("invokeAsync returned at once").isLessThan(100);
        assertThat(answeredAfter).as("request and answer each held 150 ms").isGreaterThanOrEqualTo(300);
        assertThat(network.messagesDelayed()).isEqualTo(2);
    }

    @Test
    void answerDelayedPastTheDeadlineTimesOut() throws Exception {
        network.slowLinks(Duration.ofMillis(400), Duration.ZERO);
        Outcome outcome = call(client(A), B, ping(), 300);
        assertThat(outcome.error.get(2, TimeUnit.SECONDS)).isInstanceOf(InvokeTimeoutException.class);
    }

    @Test
    void syncCallOverACutLinkThrowsAtOnce() {
        network.isolate(1);
        FaultInjectingRpcClient client = client(A);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.invokeSync(B, ping(), null, 5_000)).isInstanceOf(RemotingException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    }

    @Test
    void syncCallOverASlowLinkWaitsForTheAnswer() throws Exception {
        network.slowLinks(Duration.ofMillis(50), Duration.ZERO);
        assertThat(client(A).invokeSync(B, ping(), null, 2_000)).isEqualTo("echo");
    }

    @Test
    void shutdownCompletesCallsHeldByTheLinks() throws Exception {
        network.cut(0, 1);
        FaultInjectingRpcClient client = client(A);
        Outcome outcome = call(client, B, ping(), 60_000);
        client.shutdown();
        assertThat(outcome.error.get(2, TimeUnit.SECONDS)).isInstanceOf(RemotingException.class)
                .hasMessageContaining("shut down");
    }

    @Test
    void clientWithoutOwnerUsesTheSenderTheRequestNames() throws Exception {
        network.cut(0, 1);
        Outcome outcome = call(client(null), B, appendEntriesFrom(A), 200);
        assertThat(outcome.error.get(2, TimeUnit.SECONDS)).isInstanceOf(InvokeTimeoutException.class);
        assertThat(network.callsAttributed()).isEqualTo(1);
        assertThat(network.callsUnattributed()).isZero();
    }

    @Test
    void callWhoseSenderIsUnknownPassesThroughAndIsCounted() throws Exception {
        network.isolate(1);
        Outcome outcome = call(client(null), B, ping(), 1_000);
        assertThat(outcome.response.get(2, TimeUnit.SECONDS)).isEqualTo("echo");
        assertThat(network.callsUnattributed()).isEqualTo(1);
    }

    @Test
    void ownerThatDisagreesWithTheNamedSenderIsCountedAsMisattributed() throws Exception {
        Outcome outcome = call(client(B), A, appendEntriesFrom(A), 1_000);
        outcome.response.get(2, TimeUnit.SECONDS);
        assertThat(network.callsMisattributed()).isEqualTo(1);
    }

    @Test
    void callsToEndpointsOfNoClusterPassThroughUntouched() throws Exception {
        network.isolate(0);
        Outcome outcome = call(client(A), STRANGER, ping(), 1_000);
        assertThat(outcome.response.get(2, TimeUnit.SECONDS)).isEqualTo("echo");
        assertThat(network.callsAttributed() + network.callsUnattributed()).isZero();
    }

    private FaultInjectingRpcClient client(Endpoint owner) {
        return new FaultInjectingRpcClient(transport, owner);
    }

    private static PingRequest ping() {
        return PingRequest.newBuilder().setSendTimestamp(1).build();
    }

    private static AppendEntriesRequest appendEntriesFrom(Endpoint sender) {
        return AppendEntriesRequest.newBuilder().setGroupId("g").setServerId(sender + ":0").setPeerId("x:1:0")
                .setTerm(1).setPrevLogTerm(0).setPrevLogIndex(0).setCommittedIndex(0).build();
    }

    private Outcome call(RpcClient client, Endpoint to, Object request, long timeoutMs) throws Exception {
        Outcome outcome = new Outcome();
        client.invokeAsync(to, request, null, new InvokeCallback() {
            @Override
            public void complete(Object result, Throwable error) {
                outcome.thread.complete(Thread.currentThread().getName());
                if (error == null) {
                    outcome.response.complete(result);
                    outcome.error.completeExceptionally(new AssertionError("no error: " + result));
                } else {
                    outcome.error.complete(error);
                    outcome.response.completeExceptionally(error);
                }
            }

            @Override
            public Executor executor() {
                return command -> callbacks.execute(() -> {
                    Thread.currentThread().setName("test-callback");
                    command.run();
                });
            }
        }, timeoutMs);
        return outcome;
    }

    /** How one call ended. */
    private static final class Outcome {
        final CompletableFuture<Object> response = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final CompletableFuture<String> thread = new CompletableFuture<>();

        boolean ranOnCallbackExecutor() throws Exception {
            return thread.get(2, TimeUnit.SECONDS).equals("test-callback");
        }
    }

    /** A transport that answers every call with "echo" from its own thread, as bolt would. */
    private static final class EchoTransport implements RpcClient {
        final AtomicInteger received = new AtomicInteger();
        final ExecutorService responder = Executors.newSingleThreadExecutor();

        @Override
        public boolean init(RpcOptions opts) {
            return true;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public boolean checkConnection(Endpoint endpoint) {
            return true;
        }

        @Override
        public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
            return true;
        }

        @Override
        public void closeConnection(Endpoint endpoint) {
        }

        @Override
        public void registerConnectEventListener(ReplicatorGroup replicatorGroup) {
        }

        @Override
        public Object invokeSync(Endpoint endpoint, Object request, InvokeContext ctx, long timeoutMs) {
            received.incrementAndGet();
            return "echo";
        }

        @Override
        public void invokeAsync(Endpoint endpoint, Object request, InvokeContext ctx, InvokeCallback callback,
                long timeoutMs) {
            received.incrementAndGet();
            responder.execute(() -> {
                if (callback.executor() == null) {
                    callback.complete("echo", null);
                } else {
                    callback.executor().execute(() -> callback.complete("echo", null));
                }
            });
        }
    }
}
