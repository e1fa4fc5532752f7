package io.escrowstore.testkit;

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
 * After every test it validates the cluster, like Caffeine's validation interceptor: it restarts
 * any node the test stopped, waits for a leader, and fails the test unless every node converges to
 * the same applied index and byte-identical channel table (SPEC §5 invariant 5).
 */
public final class EscrowClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final UnaryOperator<EscrowCluster.Builder> settings;
    private EscrowCluster cluster;
    private boolean perClass;

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

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        cluster = settings.apply(EscrowCluster.builder()).start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
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
        cluster.restartAll();
        cluster.awaitLeader();
        cluster.awaitConvergence();
    }

    private void closeCluster() {
        if (cluster != null) {
            EscrowCluster current = cluster;
            cluster = null;
            current.close();
        }
    }
}
