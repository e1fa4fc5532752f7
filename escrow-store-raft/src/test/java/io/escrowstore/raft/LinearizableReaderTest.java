package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.error.RaftError;
import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinearizableReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The read-index requests the reader made, in order; the test answers them. */
    private final LinkedBlockingQueue<ReadIndexClosure> requests = new LinkedBlockingQueue<>();
    private final Node node = (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class},
            (proxy, method, args) -> {
                if (method.getName().equals("readIndex")) {
                    requests.add((ReadIndexClosure) args[1]);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    LinearizableReaderTest() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    private ReadIndexClosure nextRequest() throws InterruptedException {
        ReadIndexClosure request = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(request).as("a read-index request").isNotNull();
        return request;
    }

    private static void confirm(ReadIndexClosure request) {
        request.setResult(7, new byte[0]);
        request.run(Status.OK());
    }

    @Test
    void readsLocalStateOnlyAfterTheReadIndexIsConfirmed() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofSeconds(5));
        AtomicInteger localReads = new AtomicInteger();

        CompletableFuture<String> read = reader.read(() -> "state after " + localReads.incrementAndGet(), "x");
        ReadIndexClosure request = nextRequest();
        assertThat(localReads).hasValue(0);
        confirm(request);

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("state after 1");
    }

    @Test
    void aFailedReadIndexIsRetriedUntilOneIsConfirmed() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofSeconds(5));

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        nextRequest().run(new Status(RaftError.EPERM, "not the leader"));
        nextRequest().run(new Status(RaftError.EAGAIN, "leader not ready"));
        confirm(nextRequest());

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
    }

    @Test
    void aReadThatIsNeverConfirmedFailsWithNoQuorumAtItsDeadline() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofMillis(200));

        CompletableFuture<String> read = reader.read(() -> "value", "channel 9");
        nextRequest();

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NoQuorumException.class)
                .hasMessageContaining("channel 9").hasMessageContaining("within 200 ms");
    }

    @Test
    void theLastFailureIsNamedWhenRetriesRunOutOfTime() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofMillis(300));

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        nextRequest().run(new Status(RaftError.EPERM, "not the leader"));

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class).hasMessageContaining("not the leader");
    }

    @Test
    void aFinishedReadLeavesNoTaskOnTheScheduler() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofSeconds(60));

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        assertThat(scheduler.getQueue()).hasSize(1);
        confirm(nextRequest());
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> scheduler.getQueue().isEmpty());
    }

    @Test
    void aConfirmationArrivingAfterTheDeadlineChangesNothing() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofMillis(200));
        AtomicInteger localReads = new AtomicInteger();

        CompletableFuture<Integer> read = reader.read(localReads::incrementAndGet, "x");
        ReadIndexClosure request = nextRequest();
        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause().isInstanceOf(NoQuorumException.class);
        confirm(request);

        assertThat(read).isCompletedExceptionally();
        assertThat(requests).isEmpty();
    }

    @Test
    void closingFailsPendingReadsAndRefusesNewOnes() throws Exception {
        LinearizableReader reader = new LinearizableReader(node, scheduler, executor, Duration.ofSeconds(5));
        CompletableFuture<String> pending = reader.read(() -> "value", "x");
        nextRequest();

        reader.close();

        assertThatThrownBy(() -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause().isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> reader.read(() -> "value", "x").get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreClosedException.class);
    }
}
