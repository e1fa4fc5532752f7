package io.escrowstore.raft.internal.replication;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.TimeSource;

/**
 * The log time a leader stamps into the entries it proposes. Log time advances by at most the time
 * that really passed, measured by this node's monotonic clock, never by its wall clock:
 *
 * <ul>
 *   <li>Every node notes, by its monotonic clock, when it applied the latest log time
 *       ({@link #observe}).</li>
 *   <li>A node that starts leading ({@link #leading}) continues from that log time {@code L},
 *       seen at monotonic time {@code t}: it stamps {@code L + (now - t)}. The time between the old
 *       leader's stamp and this node applying it is not counted, so a leader change can only
 *       lengthen leases, by about one replication delay.</li>
 *   <li>The wall clock sets log time only in a group that has none yet (nothing stamped, log time
 *       0): the first leader starts it at its wall clock.</li>
 * </ul>
 *
 * <p>So a leader whose wall clock is minutes or years off neither expires leases or evicts outcomes
 * early nor freezes log time. Log time lags real time by whatever no node observed (a whole group
 * down); it never runs ahead. The difference between this node's wall clock and log time is its
 * {@linkplain #skewMillis() skew}, exported as a gauge and logged once per leader term when larger
 * than {@link #SKEW_WARNING}. Thread-safe.
 */
public final class LogClock {
    /** Skew beyond which a new leader logs a warning (once per term). */
    static final Duration SKEW_WARNING = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(LogClock.class);

    private final TimeSource time;
    private final String name;
    private final AtomicLong warnings = new AtomicLong();
    /** The latest log time this node applied, and the monotonic time it applied it at. */
    private long observedMillis;
    private long observedAtNanos;
    /** The term this node leads and its anchor: log time {@code anchorMillis} at {@code anchorNanos}. */
    private long term = -1;
    private long anchorMillis;
    private long anchorNanos;

    public LogClock(TimeSource time, String name) {
        this.time = time;
        this.name = name;
    }

    /** This node applied entries up to log time {@code logTimeMillis} (called after each applied batch and snapshot load). */
    public synchronized void observe(long logTimeMillis) {
        if (logTimeMillis != observedMillis) {
            observedMillis = logTimeMillis;
            observedAtNanos = time.nanoTime();
        }
    }

    /**
     * This node starts leading {@code term}, having applied every earlier entry: later stamps
     * continue from there. Idempotent for the same term.
     */
    public synchronized void leading(long term) {
        if (term == this.term) {
            return;
        }
        this.term = term;
        if (observedMillis == 0) {
            anchorMillis = time.currentTimeMillis();
            anchorNanos = time.nanoTime();
        } else {
            anchorMillis = observedMillis;
            anchorNanos = observedAtNanos;
        }
        long skew = time.currentTimeMillis() - now();
        if (Math.abs(skew) > SKEW_WARNING.toMillis()) {
            warnings.incrementAndGet();
            LOG.warn("{}: this node's wall clock is {} ms {} the group's log time as it starts leading term {};"
                    + " leases and request-id windows run on log time and are not affected, but check the clock",
                    name, Math.abs(skew), skew > 0 ? "ahead of" : "behind", term);
        }
    }

    /**
     * The log time to stamp into an entry this node proposes now while leading {@code leaderTerm}.
     * Never less than an earlier stamp of the same term.
     */
    public synchronized long stamp(long leaderTerm) {
        if (leaderTerm != term) {
            leading(leaderTerm);
        }
        return now();
    }

    /**
     * This node's wall clock minus the log time it would stamp now: positive when the wall clock
     * is ahead. On a follower the log time is the latest applied one advanced by the time since;
     * 0 while this node knows no log time.
     */
    public synchronized long skewMillis() {
        if (term >= 0) {
            return time.currentTimeMillis() - now();
        }
        if (observedMillis == 0) {
            return 0;
        }
        return time.currentTimeMillis() - (observedMillis + elapsedMillis(observedAtNanos));
    }

    /** Warnings logged about a skewed clock since start. */
    long skewWarnings() {
        return warnings.get();
    }

    private long now() {
        return anchorMillis + elapsedMillis(anchorNanos);
    }

    private long elapsedMillis(long sinceNanos) {
        return Math.max(0, (time.nanoTime() - sinceNanos) / 1_000_000);
    }
}
