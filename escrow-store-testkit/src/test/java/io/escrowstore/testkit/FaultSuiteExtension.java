package io.escrowstore.testkit;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Runs one {@link SuiteRun} per test and validates it afterwards, like Caffeine's validation
 * interceptor: stop the load, heal every link, restart stopped nodes, wait for convergence, run
 * the exact invariants and the linearizability checker, record the row of the measured table, and
 * fail the test on any violation, on a run without a single accepted claim, on a store call that
 * outlived its deadline, or if any call between the nodes bypassed the link table. Every failure names the suite, the node count and the seed;
 * rerun a seed with {@code -Descrow.suite.seed=<seed>}.
 */
final class FaultSuiteExtension implements AfterEachCallback, TestExecutionExceptionHandler {
    private final String suite;
    private SuiteRun run;

    FaultSuiteExtension(String suite) {
        this.suite = suite;
    }

    /** Starts this test's run with the suites' default cluster settings. */
    SuiteRun start(int nodes, long seed) {
        return start(nodes, seed, UnaryOperator.identity());
    }

    /** Starts this test's run; {@code settings} adjusts the cluster builder. */
    SuiteRun start(int nodes, long seed, UnaryOperator<EscrowCluster.Builder> settings) {
        if (run != null) {
            throw new IllegalStateException("one run per test");
        }
        run = new SuiteRun(suite, nodes, Long.getLong("escrow.suite.seed", seed), settings);
        return run;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (run == null) {
            throw failure;
        }
        AssertionError tagged = new AssertionError(tag() + ": " + failure, failure);
        throw tagged;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (run == null) {
            return;
        }
        SuiteRun finished = run;
        try {
            if (context.getExecutionException().isEmpty()) {
                SuiteTable.Row row;
                try {
                    row = finished.finish();
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(tag() + ": verification failed: " + e, e);
                }
                SuiteTable.add(row);
                if (!row.report().ok()) {
                    throw new AssertionError(tag() + "\n" + row.report().describe());
                }
                if (row.accepted() == 0) {
                    throw new AssertionError(tag() + ": no claim was accepted, so the run proved nothing");
                }
                if (finished.overdueCalls() > 0) {
                    throw new AssertionError(tag() + ": " + finished.overdueCalls() + " store calls did not end "
                            + "within their deadline");
                }
                Network network = finished.network();
                if (network.callsUnattributed() > 0 || network.callsMisattributed() > 0) {
                    throw new AssertionError(tag() + ": " + network.callsUnattributed() + " calls bypassed the link "
                            + "table and " + network.callsMisattributed() + " were sent for another node than the "
                            + "one they name, so the faults were not what the test claims");
                }
            }
        } finally {
            run = null;
            finished.close();
        }
    }

    private String tag() {
        return "[suite '" + suite + "', " + run.nodes + " nodes, seed " + run.seed + " (rerun with -Descrow.suite.seed="
                + run.seed + "), links " + run.network().describe() + "]";
    }
}
