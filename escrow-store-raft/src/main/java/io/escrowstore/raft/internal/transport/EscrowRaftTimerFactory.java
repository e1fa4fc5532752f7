package io.escrowstore.raft.internal.transport;

import com.alipay.sofa.jraft.util.NamedThreadFactory;
import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.HashedWheelTimer;
import com.alipay.sofa.jraft.util.timer.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * jraft's timer factory for escrow-store, chosen by jraft's service loader over its own (priority
 * 50 against 0): the same timers, but their wheels tick every {@link #TICK} instead of every
 * millisecond. Each node has up to four such timers (election, vote, step-down, snapshot) and the
 * process has one more for read-index timeouts; every tick wakes a thread whether or not anything
 * is due: at 1 ms they cost an idle node about 2 % of a core (measured: 14–21 ms of CPU per second
 * more than at 10 ms, docs/benchmarks.md). The timeouts jraft runs on them
 * are election timeouts and snapshot intervals (hundreds of milliseconds and more) and request
 * deadlines (seconds), for which firing up to one tick late is noise. The leader's heartbeats are
 * not on these wheels (jraft schedules them on its scheduler pool), so their period is unchanged.
 */
@SPI(priority = 50)
public class EscrowRaftTimerFactory extends DefaultRaftTimerFactory {
    /** How often a timer's thread wakes. */
    static final Duration TICK = Duration.ofMillis(10);
    /** Slots per wheel: one turn of the wheel is 5.12 s. */
    private static final int TICKS_PER_WHEEL = 512;

    @Override
    public Timer createTimer(String name) {
        return new HashedWheelTimer(new NamedThreadFactory(name, true), TICK.toMillis(), TimeUnit.MILLISECONDS,
                TICKS_PER_WHEEL);
    }
}
