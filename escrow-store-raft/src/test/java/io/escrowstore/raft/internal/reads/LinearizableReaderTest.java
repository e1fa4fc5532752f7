package io.escrowstore.raft.internal.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreClosedException;
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
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.replication.AppliedIndexWaiters;

class LinearizableReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The read-index requests the reader made, in order; the test answers them. */
    private final LinkedBlockingQueue<CompletableFuture<Long>> requests = new LinkedBlockingQueue<>();
    /** This node's applied index, advanced by the test. */
    private final AppliedIndexWaiters applied = new AppliedIndexWaiters();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "store-executor"));

    LinearizableReaderTest() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    private LinearizableReader reader(Duration timeout) {
        return new LinearizableReader(deadline -> {
            CompletableFuture<Long> request = new CompletableFuture<>();
            requests.add(request);
            return request;
        }, applied, scheduler, executor, timeout, TimeSource.SYSTEM);
    }

    private CompletableFuture<Long> nextRequest() throws InterruptedException {
        CompletableFuture<Long> request = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(request).as("a read-index request").isNotNull();
        return request;
    }

    @Test
    void readsLocalStateOnlyOnceThisNodeHasAppliedTheConfirmedIndex() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));
        applied.applied(5);
        AtomicInteger localReads = new AtomicInteger();
        CompletableFuture<String> read = reader.read(() -> "state after " + localReads.incrementAndGet(), "x");

        nextRequest().complete(7L);
        applied.applied(6);
        assertThat(read).isNotDone();
        assertThat(localReads).hasValue(0);
        applied.applied(7);

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("state after 1");
    }

    @Test
    void theLocalReadRunsOnTheStoreExecutorNotOnTheThreadThatAppliedTheIndex() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));
        CompletableFuture<String> read = reader.read(() -> Thread.currentThread().getName(), "x");

        nextRequest().complete(3L);
        applied.applied(3);

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("store-executor");
    }

    @Test
    void aReadWhoseIndexIsAppliedAlreadyIsServedWithoutWaiting() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));
        applied.applied(9);

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        nextRequest().complete(8L);

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
        assertThat(applied.waiting()).isZero();
    }

    @Test
    void aReadIndexNoLeaderConfirmedFailsTheReadWithNoQuorumNamingTheReadAndTheReason() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));

        CompletableFuture<String> read = reader.read(() -> "value", "channel 9");
        nextRequest().completeExceptionally(new NoQuorumException("no leader known to 10.0.0.1:7000"));

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NoQuorumException.class)
                .hasMessageContaining("channel 9").hasMessageContaining("no leader known to 10.0.0.1:7000");
    }

    @Test
    void otherFailuresToConfirmAReadIndexReachTheCallerAsTheyAre() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));
        StoreClosedException closed = new StoreClosedException("store node closed");

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        nextRequest().completeExceptionally(closed);

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause().isSameAs(closed);
    }

    @Test
    void aReadNeverConfirmedFailsWithNoQuorumAtItsDeadline() throws Exception {
        LinearizableReader reader = reader(Duration.ofMillis(200));

        CompletableFuture<String> read = reader.read(() -> "value", "channel 9");
        nextRequest();

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class)
                .hasMessageContaining("channel 9").hasMessageContaining("within 200 ms")
                .hasMessageContaining("no read index confirmed");
    }

    @Test
    void aReadWhoseIndexThisNodeDoesNotReachFailsWithNoQuorumAtItsDeadlineNamingTheIndex() throws Exception {
        LinearizableReader reader = reader(Duration.ofMillis(200));
        AtomicInteger localReads = new AtomicInteger();

        CompletableFuture<Integer> read = reader.read(localReads::incrementAndGet, "x");
        nextRequest().complete(7L);

        assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(NoQuorumException.class).hasMessageContaining("waiting to apply index 7");
        assertThat(applied.waiting()).as("the expired read no longer waits").isZero();
        applied.applied(7);
        executor.submit(() -> { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(localReads).as("an index applied after the deadline changes nothing").hasValue(0);
    }

    @Test
    void aFinishedReadLeavesNoTaskOnTheScheduler() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(60));

        CompletableFuture<String> read = reader.read(() -> "value", "x");
        assertThat(scheduler.getQueue()).hasSize(1);
        nextRequest().complete(0L);
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> scheduler.getQueue().isEmpty());
    }

    @Test
    void closingFailsPendingReadsAndRefusesNewOnes() throws Exception {
        LinearizableReader reader = reader(Duration.ofSeconds(5));
        CompletableFuture<String> pending = reader.read(() -> "value", "x");
        nextRequest();

        reader.close();

        assertThatThrownBy(() -> pending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause().isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> reader.read(() -> "value", "x").get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreClosedException.class);
        assertThat(requests).as("a refused read asks for no read index").isEmpty();
    }
}
