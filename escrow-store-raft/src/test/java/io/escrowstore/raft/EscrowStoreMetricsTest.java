package io.escrowstore.raft;

import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.entity.EnumOutter.ErrorType;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.Rejected;
import io.escrowstore.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EscrowStoreMetrics} on a running group of one: what a scrape shows after known traffic. */
class EscrowStoreMetricsTest {
    @TempDir
    Path dataDir;

    private RaftPaymentStore store;
    private EscrowStoreMetrics metrics;

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void claimsReadsSnapshotsAndRaftStateShowUpInTheRegistry() {
        store = open(false);
        MeterRegistry registry = new SimpleMeterRegistry();
        metrics = new EscrowStoreMetrics(store, Tags.of("service", "test"));
        metrics.bindTo(registry);

        store.syncFromChain(RaftPaymentStoreTest.chain(1));
        assertThat(store.claim(RaftPaymentStoreTest.claim(1, 10))).isInstanceOf(Accepted.class);
        assertThat(store.claim(RaftPaymentStoreTest.claim(1, 10))).isInstanceOf(Rejected.class);
        store.channel(ChannelId.of(1));
        store.snapshot().join();

        String self = store.config().self().toString();
        assertThat(registry.get("escrow.claims").tags("outcome", "accepted", "member", self, "service", "test")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("escrow.claims").tags("outcome", "rejected", "reason", "ALREADY_CLAIMED")
                .functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("escrow.requests").tags("operation", "claim", "outcome", "accepted").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("escrow.requests").tags("operation", "read", "outcome", "ok").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("escrow.requests").tags("operation", "sync").timer().count()).isEqualTo(1);
        assertThat(registry.get("escrow.raft.leader").gauge().value()).isEqualTo(1);
        assertThat(registry.get("escrow.raft.term").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("escrow.raft.applied.index").gauge().value()).isGreaterThanOrEqualTo(3);
        assertThat(registry.get("escrow.raft.members").gauge().value()).isEqualTo(1);
        assertThat(registry.get("escrow.channels").gauge().value()).isEqualTo(1);
        assertThat(registry.get("escrow.snapshot.save").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("escrow.snapshot.index").gauge().value()).isGreaterThanOrEqualTo(3);
        assertThat(registry.get("escrow.disk.bytes").tags("dir", "log").gauge().value()).isPositive();
        assertThat(registry.get("escrow.raft.leader.changes").functionCounter().count()).isEqualTo(1);
        assertThat(registry.find("jraft.gauge").meters()).as("jraft's metrics are off by default").isEmpty();

        metrics.close();
        assertThat(registry.find("escrow.claims").meters()).isEmpty();
        store.claim(RaftPaymentStoreTest.claim(1, 20));
        assertThat(registry.find("escrow.requests").meters()).as("a closed binder records nothing").isEmpty();
    }

    @Test
    void jraftMetricsAreBridgedWhenTheNodeCollectsThem() {
        store = open(true);
        MeterRegistry registry = new SimpleMeterRegistry();
        metrics = new EscrowStoreMetrics(store);
        metrics.bindTo(registry);
        store.syncFromChain(RaftPaymentStoreTest.chain(1));

        assertThat(registry.find("jraft.gauge").meters()).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !registry.find("jraft.histogram").meters().isEmpty());
        assertThat(registry.get("jraft.histogram").tag("stat", "count").gauges())
                .anySatisfy(gauge -> assertThat(gauge.value()).isPositive());
    }

    @Test
    void anEngineErrorRefusesCallsNamingTheFailedWriteAndShowsInTheFailedGauge() {
        store = open(false);
        MeterRegistry registry = new SimpleMeterRegistry();
        metrics = new EscrowStoreMetrics(store);
        metrics.bindTo(registry);
        assertThat(registry.get("escrow.raft.failed").tag("source", "log").gauge().value()).isZero();

        store.stateMachine().onError(new RaftException(ErrorType.ERROR_TYPE_LOG, RaftError.EIO,
                "Fail to append log entries"));
        store.stateMachine().onError(new RaftException(ErrorType.ERROR_TYPE_SNAPSHOT, RaftError.EIO,
                "Fail to save snapshot."));

        assertThat(registry.get("escrow.raft.failed").tag("source", "log").gauge().value()).isEqualTo(1);
        assertThat(registry.get("escrow.raft.failed").tag("source", "snapshot").gauge().value())
                .as("the first failure is the one reported").isZero();
        assertThatThrownBy(() -> store.claim(RaftPaymentStoreTest.claim(1, 10)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("stopped serving")
                .hasMessageContaining("failed write of the Raft log (Fail to append log entries)")
                .hasMessageContaining("bytes usable on the file system of " + dataDir);
        assertThat(registry.get("escrow.requests").tags("operation", "claim", "outcome", "unavailable").timer()
                .count()).isEqualTo(1);
    }

    private RaftPaymentStore open(boolean raftMetrics) {
        RaftPaymentStore opened = RaftPaymentStore.open(RaftPaymentStoreTest.config(dataDir,
                ClusterAdminSingleNodeTest.freePort()).toBuilder().raftMetrics(raftMetrics).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> opened.status().isLeader());
        return opened;
    }
}
