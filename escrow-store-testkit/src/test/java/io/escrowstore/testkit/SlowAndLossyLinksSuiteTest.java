package io.escrowstore.testkit;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY suite 7: every link slow (75 ± 50 ms), then every link lossy (50 %), then healed. */
class SlowAndLossyLinksSuiteTest {
    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("7 slow + lossy links");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void slowThenLossyLinksNeverCostASafetyProperty(int nodes) {
        SuiteRun run = suite.start(nodes, 7_000 + nodes);
        run.awaitAccepted(50);
        run.network().slowLinks(Duration.ofMillis(75), Duration.ofMillis(50));
        run.awaitAccepted(30);
        run.network().heal();
        run.awaitAccepted(30);
        run.network().lossyLinks(0.5);
        run.awaitCompletedClaims(80);
        run.network().heal();
        run.awaitAccepted(50);
    }
}
