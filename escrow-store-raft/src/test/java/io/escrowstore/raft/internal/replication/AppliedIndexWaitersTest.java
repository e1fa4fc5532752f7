package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppliedIndexWaitersTest {
    private final AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    private final List<String> ran = new ArrayList<>();

    @Test
    void anIndexAppliedAlreadyKeepsNothingAndRunsNothing() {
        waiters.applied(5);

        assertThat(waiters.waitFor(5, () -> ran.add("5"))).isFalse();
        assertThat(waiters.waitFor(0, () -> ran.add("0"))).isFalse();

        waiters.applied(6);
        assertThat(ran).isEmpty();
        assertThat(waiters.waiting()).isZero();
    }

    @Test
    void actionsRunOnceTheirIndexIsReportedInIndexOrderAndOnlyOnce() {
        waiters.applied(1);
        assertThat(waiters.waitFor(9, () -> ran.add("9"))).isTrue();
        assertThat(waiters.waitFor(3, () -> ran.add("3"))).isTrue();
        assertThat(waiters.waitFor(4, () -> ran.add("4"))).isTrue();

        waiters.applied(2);
        assertThat(ran).isEmpty();
        waiters.applied(4);
        assertThat(ran).containsExactly("3", "4");
        waiters.applied(12);
        waiters.applied(13);

        assertThat(ran).containsExactly("3", "4", "9");
        assertThat(waiters.waiting()).isZero();
    }

    @Test
    void aLowerIndexReportedLaterDoesNotMoveTheAppliedIndexBack() {
        waiters.applied(10);

        waiters.applied(4);

        assertThat(waiters.waitFor(8, () -> ran.add("8"))).isFalse();
    }

    @Test
    void anActionRunsOnTheThreadThatReportsItsIndex() throws Exception {
        List<String> threads = new ArrayList<>();
        waiters.waitFor(2, () -> threads.add(Thread.currentThread().getName()));

        Thread applier = new Thread(() -> waiters.applied(2), "fsm-thread");
        applier.start();
        applier.join();

        assertThat(threads).containsExactly("fsm-thread");
    }

    @Test
    void aCancelledActionNeverRunsAndOthersStillDo() {
        Runnable cancelled = () -> ran.add("cancelled");
        waiters.waitFor(3, cancelled);
        waiters.waitFor(3, () -> ran.add("kept"));

        waiters.cancel(cancelled);
        waiters.applied(3);

        assertThat(ran).containsExactly("kept");
        assertThat(waiters.waiting()).isZero();
    }
}
