package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.Payment;
import io.escrowstore.ReadConsistency;
import io.escrowstore.RequestId;
import io.escrowstore.Reserved;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.Signature;
import io.escrowstore.StoreClosedException;
import io.escrowstore.Synced;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.engine.DurableMetaStorage;
import io.escrowstore.raft.internal.engine.EngineOptions;

/** One real node (a group of one), exercising what needs a running store but no peers. */
public class RaftPaymentStoreTest {
    public static final GroupId GROUP = new GroupId(filled(GroupId.LENGTH, 7));

    @TempDir
    Path dataDir;

    private RaftPaymentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void engineRunsWithEveryDurabilityAndSafetySettingOn() {
        NodeOptions options = EngineOptions.of(config(freePort()), null, NodeOptions.defaultServiceFactory, null);
        assertThat(options.getRaftOptions().isSync()).isTrue();
        assertThat(options.getRaftOptions().isSyncMeta()).isTrue();
        assertThat(options.getRaftOptions().isEnableLogEntryChecksum()).isTrue();
        assertThat(options.getRaftOptions().getReadOnlyOptions()).isEqualTo(ReadOnlyOption.ReadOnlySafe);
        assertThat(options.isDisableCli()).isTrue();
        assertThat(options.getRpcProcessorThreadPoolSize() / 3).as("Raft RPC callback threads: one per core")
                .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
        assertThat(options.getServiceFactory().createRaftMetaStorage("meta", options.getRaftOptions()))
                .as("term/vote writes that stop the node when they fail").isInstanceOf(DurableMetaStorage.class);
    }

    @Test
    void leaderHeartbeatsAtTheConfiguredIntervalButAtLeastTenTimesPerElectionTimeout() {
        Duration tenMillis = Duration.ofMillis(10);
        assertThat(EngineOptions.heartbeatFactor(Duration.ofSeconds(1), tenMillis)).isEqualTo(100);
        assertThat(EngineOptions.heartbeatFactor(Duration.ofMillis(300), tenMillis)).isEqualTo(30);
        assertThat(EngineOptions.heartbeatFactor(Duration.ofMillis(50), tenMillis)).isEqualTo(10);
        assertThat(EngineOptions.heartbeatFactor(Duration.ofSeconds(1), Duration.ofMillis(100))).isEqualTo(10);
        assertThat(EngineOptions.heartbeatFactor(Duration.ofSeconds(1), Duration.ofMillis(500))).isEqualTo(10);
        NodeOptions byDefault = EngineOptions.of(config(freePort()), null, NodeOptions.defaultServiceFactory, null);
        assertThat(byDefault.getElectionTimeoutMs() / byDefault.getRaftOptions().getElectionHeartbeatFactor())
                .isEqualTo(10);
        NodeOptions slower = EngineOptions.of(config(freePort()).toBuilder().electionTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofMillis(50)).build(), null, NodeOptions.defaultServiceFactory, null);
        assertThat(slower.getElectionTimeoutMs() / slower.getRaftOptions().getElectionHeartbeatFactor()).isEqualTo(50);
    }

    @Test
    void rpcServerBindsOnlyTheConfiguredHost() throws IOException {
        int port = freePort();
        store = RaftPaymentStore.open(config(port));
        try (Socket ok = new Socket()) {
            ok.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            assertThat(ok.isConnected()).isTrue();
        }
        try (Socket other = new Socket()) {
            assertThatThrownBy(() -> other.connect(new InetSocketAddress("127.0.0.2", port), 2_000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void singleNodeGroupServesClaimsAndKeepsThemAcrossRestart() {
        int port = freePort();
        store = RaftPaymentStore.open(config(port));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
        assertThat(store.syncFromChain(chain(1))).isInstanceOf(Synced.class);
        assertThat(store.claim(claim(1, 10))).isInstanceOf(Accepted.class);
        assertThat(store.status().members()).containsExactly(new Member("127.0.0.1", port));
        assertThat(store.status().lastAppliedIndex()).isGreaterThanOrEqualTo(3);
        store.snapshot().join();
        assertThat(store.claim(claim(1, 20))).isInstanceOf(Accepted.class);
        StateDigest before = store.stateDigest();
        store.close();

        store = RaftPaymentStore.open(config(port));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
        assertThat(store.channel(ChannelId.of(1)).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
        assertThat(store.stateDigest().sameStateAs(before)).isTrue();
    }

    @Test
    void aNewLeaderAppliesAnEntryOfItsOwnSoReadsNeedNotWaitForACommand() {
        store = RaftPaymentStore.open(config(freePort()));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());

        await().atMost(Duration.ofSeconds(10)).until(() -> store.stateDigest().appliedIndex() > 0);
        assertThat(store.stateDigest().channels()).isZero();
        assertThat(store.channel(ChannelId.of(1))).isEmpty();
    }

    @Test
    void singleNodeRunsReserveCommitAndSettlementWithEntriesStampedByTheLeader() {
        store = RaftPaymentStore.open(config(freePort()));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
        assertThat(store.syncFromChain(chain(1))).isInstanceOf(Synced.class);
        ClaimRequest first = claim(1, 10);

        Reserved reserved = (Reserved) store.reserve(first, Duration.ofMinutes(1));
        ClaimResult committed = store.commit(reserved.reservationId());
        ClaimResult retried = store.commit(reserved.reservationId());
        SettlementResult settled = store.startSettlement(ChannelId.of(1), new RequestId("settle-1"));

        assertThat(reserved.expiresAt()).isAfter(Instant.now().plusSeconds(30));
        assertThat(committed).isInstanceOf(Accepted.class).isEqualTo(retried);
        assertThat(store.claimOutcome(reserved.reservationId().commitRequestId())).contains(committed);
        assertThat(store.claimOutcome(first.requestId())).isEmpty();
        assertThat(settled).isInstanceOf(SettlementStarted.class);
        assertThat(store.settlements()).containsExactly(((SettlementStarted) settled).settlement());
        assertThat(store.unclaimed()).isEmpty();
        assertThat(store.finishSettlements(ChannelId.of(1), BigInteger.ONE, new RequestId("finish-1")))
                .containsExactly(((SettlementStarted) settled).settlement());
        assertThat(store.settlements()).isEmpty();
    }

    @Test
    void closedStoreFailsCallsWithStoreClosedException() {
        store = RaftPaymentStore.open(config(freePort()));
        store.close();
        assertThat(store.claimAsync(claim(1, 10))).failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.channel(ChannelId.of(1), ReadConsistency.LOCAL))
                .isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.syncFromChain(chain(1))).isInstanceOf(StoreClosedException.class);
        store.close();
    }

    @Test
    void closingWhileACallWaitsForAQuorumEndsTheCall() {
        int port = freePort();
        RaftStoreConfig lonely = config(port).toBuilder()
                .members(List.of(new Member("127.0.0.1", port), new Member("127.0.0.1", freePort())))
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        store = RaftPaymentStore.open(lonely);
        var pending = store.claimAsync(claim(1, 10));
        store.close();
        assertThat(pending).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(StoreClosedException.class);
        assertThat(pending.isCompletedExceptionally()).isTrue();
        assertThatThrownBy(pending::join).isInstanceOf(CompletionException.class);
    }

    @Test
    void aBlockingClaimIsWokenByTheLeaderWhileAsynchronousAnswersWaitForTheCallbackExecutor() throws Exception {
        GatedExecutor callbacks = new GatedExecutor();
        try {
            store = RaftPaymentStore.open(config(freePort()).toBuilder().callbackExecutor(callbacks).build());
            store.awaitReady(Duration.ofSeconds(20));
            store.syncFromChain(chain(1));
            store.syncFromChain(chain(2));
            callbacks.close();

            var blocking = CompletableFuture.supplyAsync(() -> store.claim(claim(1, 10)));
            assertThat(blocking).succeedsWithin(Duration.ofSeconds(10)).isInstanceOf(Accepted.class);

            var async = store.claimAsync(claim(2, 10));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.channel(ChannelId.of(2), ReadConsistency.LOCAL)
                    .orElseThrow().authorizedAmount().equals(BigInteger.TEN));
            assertThat(async).as("applied, but its answer waits for the callback executor").isNotDone();
            var answeredOn = async.thenApply(result -> Thread.currentThread().getName());
            callbacks.open();
            assertThat(answeredOn).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith(GatedExecutor.THREADS);
            assertThat(async.join()).isInstanceOf(Accepted.class);
        } finally {
            callbacks.open();
            callbacks.pool.shutdown();
        }
    }

    /** A callback executor that holds its tasks while closed and runs them on its pool once opened. */
    private static final class GatedExecutor implements Executor {
        static final String THREADS = "gated-callback";
        final ExecutorService pool = Executors.newFixedThreadPool(2, task -> new Thread(task, THREADS));
        private final List<Runnable> held = new ArrayList<>();
        private boolean closed;

        @Override
        public synchronized void execute(Runnable task) {
            if (closed) {
                held.add(task);
            } else {
                pool.execute(task);
            }
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void open() {
            closed = false;
            held.forEach(pool::execute);
            held.clear();
        }
    }

    private RaftStoreConfig config(int port) {
        return config(dataDir, port);
    }

    /** A group of one on {@code port}, data in {@code dataDir/node}, with short timeouts. */
    public static RaftStoreConfig config(Path dataDir, int port) {
        Member self = new Member("127.0.0.1", port);
        return RaftStoreConfig.builder()
                .unsafePlaintext()
                .groupId(GROUP)
                .raftGroup("store-test-" + port)
                .self(self)
                .members(List.of(self))
                .dataDir(dataDir.resolve("node"))
                .electionTimeout(Duration.ofMillis(200))
                .maxElectionDelay(Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(3))
                .build();
    }

    public static ChainChannel chain(long id) {
        Address a = new Address(filled(Address.LENGTH, 1));
        return new ChainChannel(ChannelId.of(id), BigInteger.ZERO, a, a, a, GROUP, BigInteger.valueOf(1_000),
                BigInteger.valueOf(1_000_000));
    }

    public static ClaimRequest claim(long id, long amount) {
        return ClaimRequest.of(new Payment(ChannelId.of(id), BigInteger.ZERO, BigInteger.valueOf(amount),
                new Signature(filled(Signature.LENGTH, (int) amount))), BigInteger.TEN);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
