package io.escrowstore.raft;

import static io.escrowstore.raft.RaftPaymentStoreTest.chain;
import static io.escrowstore.raft.RaftPaymentStoreTest.claim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ChainChannel;
import io.escrowstore.ClaimRequest;
import io.escrowstore.OutcomeForgottenException;
import io.escrowstore.RequestId;
import io.escrowstore.Reserved;
import io.escrowstore.Synced;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * Through the public API on a running node: a resubmission whose outcome was pushed out of the
 * deduplication window is answered {@link OutcomeForgottenException}, never a rejection.
 */
class ForgottenOutcomeStoreTest {
    /** The smallest window the configuration allows. */
    private static final int WINDOW = 1_000;

    @TempDir
    Path dataDir;

    private RaftPaymentStore store;

    @BeforeEach
    void open() {
        store = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir, freePort()).toBuilder()
                .dedupMaxEntries(WINDOW).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Records more than the window's worth of newer outcomes: syncs of other channels under fresh ids. */
    private void pushOlderOutcomesOut() {
        List<CompletableFuture<?>> syncs = new ArrayList<>();
        for (int i = 0; i < WINDOW + 10; i++) {
            ChainChannel other = chain(1_000 + i);
            syncs.add(store.syncFromChainAsync(other, new RequestId("filler-" + i)));
            if (syncs.size() == 100) {
                syncs.forEach(CompletableFuture::join);
                syncs.clear();
            }
        }
        syncs.forEach(CompletableFuture::join);
    }

    @Test
    void acceptedClaimResubmittedAfterItsOutcomeWasEvictedIsForgottenNotAlreadyClaimed() {
        assertThat(store.syncFromChain(chain(1))).isInstanceOf(Synced.class);
        ClaimRequest request = claim(1, 10);
        assertThat(store.claim(request)).isInstanceOf(Accepted.class);
        pushOlderOutcomesOut();

        Throwable resubmitted = catchThrowable(() -> store.claim(request));

        assertThat(resubmitted).isInstanceOf(OutcomeForgottenException.class);
        assertThat(((OutcomeForgottenException) resubmitted).requestId()).isEqualTo(request.requestId());
        assertThat(store.stats().claimsIndeterminate()).as("counted as unknown to the caller, not as not applied")
                .isEqualTo(1);
        assertThat(StoreStats.outcome(null, resubmitted)).isEqualTo("forgotten");
    }

    @Test
    void commitRetriedAfterItsOutcomeWasEvictedIsForgottenNotUnknownReservation() {
        assertThat(store.syncFromChain(chain(2))).isInstanceOf(Synced.class);
        Reserved held = (Reserved) store.reserve(claim(2, 10), Duration.ofMinutes(5));
        assertThat(store.commit(held.reservationId())).isInstanceOf(Accepted.class);
        pushOlderOutcomesOut();

        Throwable retried = catchThrowable(() -> store.commit(held.reservationId()));

        assertThat(retried).isInstanceOf(OutcomeForgottenException.class);
        assertThat(store.channel(held.state().channelId()).orElseThrow().authorizedAmount()).isEqualTo(10);
    }

    @Test
    void newRequestAfterEvictionIsEvaluated() {
        assertThat(store.syncFromChain(chain(3))).isInstanceOf(Synced.class);
        pushOlderOutcomesOut();

        assertThat(store.claim(claim(3, 10))).isInstanceOf(Accepted.class);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
