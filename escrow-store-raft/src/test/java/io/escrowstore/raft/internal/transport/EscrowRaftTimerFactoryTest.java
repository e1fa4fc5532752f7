package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.util.timer.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EscrowRaftTimerFactoryTest {

    @Test
    void jraftTakesItsTimersFromTheCoarseTickFactory() {
        assertThat(JRaftUtils.raftTimerFactory()).isInstanceOf(EscrowRaftTimerFactory.class);
    }

    @Test
    void aTimeoutFiresOnceItsDelayHasPassedAndNotBefore() throws InterruptedException {
        Timer timer = new EscrowRaftTimerFactory().createTimer("timer-factory-test");
        try {
            CountDownLatch fired = new CountDownLatch(1);
            AtomicLong firedAt = new AtomicLong();
            long start = System.nanoTime();
            timer.newTimeout(timeout -> {
                firedAt.set(System.nanoTime());
                fired.countDown();
            }, 50, TimeUnit.MILLISECONDS);

            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(firedAt.get() - start)).isGreaterThanOrEqualTo(50);
        } finally {
            timer.stop();
        }
    }

    @Test
    void aTimeoutDueWithinOneTickStillFires() throws InterruptedException {
        Timer timer = new EscrowRaftTimerFactory().createTimer("timer-factory-test");
        try {
            CountDownLatch fired = new CountDownLatch(1);
            timer.newTimeout(timeout -> fired.countDown(), 1, TimeUnit.MILLISECONDS);

            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            timer.stop();
        }
    }
}
