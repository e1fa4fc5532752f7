package io.escrowstore.testkit;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running an {@link EscrowCluster}.
 *
 * <pre>{@code
 * @RegisterExtension
 * final EscrowClusterExtension cluster = EscrowClusterExtension.nodes(3);        // fresh cluster per test
 *
 * @RegisterExtension
 * static final EscrowClusterExtension shared = EscrowClusterExtension.nodes(5);  // one cluster per class
 * }</pre>
 *
 * Each test also gets a fresh {@link #history()}; channels opened with {@link #open} are its
 * starting point.
 *
 * <p>After every test that passed it validates the cluster, like Caffeine's validation
 * interceptor: it heals every link the test cut or slowed, restarts any node the test stopped,
 * waits for a leader, and fails the test unless every node converges to the same applied index and
 * byte-identical channel table (replicas that applied the same log agree). If the test recorded anything in
 * {@link #history()}, it then runs {@link HistoryChecker} and {@link LinearizabilityChecker} on it
 * ({@link Verification}) and fails the test on a violation. <b>Warning:</b> stop your load before
 * the test method returns, so every recorded call has completed.
 */
public final class EscrowClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final UnaryOperator<EscrowCluster.Builder> settings;
    private EscrowCluster cluster;
    private boolean perClass;
    private History history = new History();
    private final Map<ChannelId, ChannelState> opened = new ConcurrentHashMap<>();

    private EscrowClusterExtension(UnaryOperator<EscrowCluster.Builder> settings) {
        this.settings = settings;
    }

    /** An extension running {@code count} nodes with the testkit's defaults. */
    public static EscrowClusterExtension nodes(int count) {
        return configured(builder -> builder.nodes(count));
    }

    /** An extension whose cluster is built by {@code settings} applied to {@link EscrowCluster#builder()}. */
    public static EscrowClusterExtension configured(UnaryOperator<EscrowCluster.Builder> settings) {
        return new EscrowClusterExtension(settings);
    }

    /** The running cluster. @throws IllegalStateException outside a test */
    public EscrowCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster runs only while a test runs");
        }
        return cluster;
    }

    /** This test's history: record calls in it (e.g. with {@link DoubleSpendLoad}) to have them checked after the test. */
    public History history() {
        return history;
    }

    /**
     * Opens {@code chain}'s channel through any node and remembers its state as the channel's
     * state before the history.
     *
     * @throws AssertionError if the store does not answer {@code Synced}
     */
    public ChannelState open(ChainChannel chain) {
        SyncResult result = cluster().anyNode().syncFromChain(chain);
        if (!(result instanceof Synced synced)) {
            throw new AssertionError("opening " + chain.channelId() + " answered " + result);
        }
        opened.put(chain.channelId(), synced.state());
        return synced.state();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        cluster = settings.apply(EscrowCluster.builder()).start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        history = new History();
        opened.clear();
        if (!perClass) {
            cluster = settings.apply(EscrowCluster.builder()).start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (context.getExecutionException().isEmpty()) {
                validate();
            }
        } finally {
            if (!perClass) {
                closeCluster();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeCluster();
    }

    private void validate() {
        cluster.network().heal();
        cluster.restartAll();
        cluster.awaitLeader();
        cluster.awaitConvergence();
        if (history.size() > 0) {
            Verification.Report report = Verification.afterHealing(cluster, history, Map.copyOf(opened));
            if (!report.ok()) {
                throw new AssertionError("history check failed after the test:\n" + report.describe());
            }
        }
    }

    private void closeCluster() {
        if (cluster != null) {
            EscrowCluster current = cluster;
            cluster = null;
            current.close();
        }
    }
}
