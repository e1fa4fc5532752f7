package io.escrowstore.raft.internal.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A storm of one kind of warning costs one line per interval, and the next line counts what it swallowed. */
class RateLimitedLogTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), 10,
            TimeUnit.SECONDS);

    @Test
    void oneLinePerIntervalThenTheCountOfSuppressedOnes() {
        assertThat(log.admit("refused", 0)).isZero();
        for (int i = 1; i <= 500; i++) {
            assertThat(log.admit("refused", i * SECOND / 100)).as("within the interval").isEqualTo(-1);
        }
        assertThat(log.admit("refused", 10 * SECOND)).isEqualTo(500);
        assertThat(log.admit("refused", 11 * SECOND)).isEqualTo(-1);
        assertThat(log.admit("refused", 21 * SECOND)).isEqualTo(1);
    }

    @Test
    void kindsAreLimitedSeparately() {
        assertThat(log.admit("refused", 0)).isZero();
        assertThat(log.admit("invalid", SECOND)).isZero();
        assertThat(log.admit("refused", 2 * SECOND)).isEqualTo(-1);
    }
}
