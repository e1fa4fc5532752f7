package io.escrowstore.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadSwitchesTest {

    @Test
    void countsPerThreadSinceTheEarlierReadingAndThreadsAliveAtTheLaterOne() {
        ThreadSwitches before = new ThreadSwitches(Map.of(1L, new long[] {10, 1}, 2L, new long[] {5, 5}));
        // thread 2 ended (its switches are lost), thread 3 started (counted from zero)
        ThreadSwitches after = new ThreadSwitches(Map.of(1L, new long[] {15, 3}, 3L, new long[] {4, 1}));

        assertThat(after.since(before)).isEqualTo(new ThreadSwitches.Counted(9, 3, 2));
    }

    @Test
    void aThreadIdReusedByANewThreadCountsFromZero() {
        ThreadSwitches before = new ThreadSwitches(Map.of(7L, new long[] {100, 50}));
        ThreadSwitches after = new ThreadSwitches(Map.of(7L, new long[] {3, 2}));

        assertThat(after.since(before)).isEqualTo(new ThreadSwitches.Counted(3, 2, 1));
    }

    @Test
    void unknownCountsStayUnknownWhenSummed() {
        ThreadSwitches.Counted known = new ThreadSwitches.Counted(1, 2, 3);

        assertThat(known.plus(new ThreadSwitches.Counted(4, 5, 6))).isEqualTo(new ThreadSwitches.Counted(5, 7, 9));
        assertThat(known.plus(ThreadSwitches.Counted.UNKNOWN).known()).isFalse();
    }

    @Test
    void readsEveryThreadOfThisProcessWhereThereIsProc() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc on this machine");

        ThreadSwitches now = ThreadSwitches.of(ProcessHandle.current().pid()).orElseThrow();

        assertThat(now.byThread()).hasSizeGreaterThanOrEqualTo(Thread.activeCount());
    }
}
