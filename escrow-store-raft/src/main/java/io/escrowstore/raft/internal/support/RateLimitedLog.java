package io.escrowstore.raft.internal.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Warnings that may repeat at traffic rate (a peer sending garbage, a member that stays
 * unreachable): at most one line per kind per interval, and the next line says how many of that
 * kind were suppressed meanwhile, so a storm costs a few lines a minute and loses no count.
 * Kinds are a small fixed set chosen by the caller (never per request or per peer).
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** Logs {@code format} at WARN unless a line of the same {@code kind} went out within the interval. */
    public void warn(String kind, String format, Object... args) {
        long suppressed = admit(kind, System.nanoTime());
        if (suppressed < 0) {
            return;
        }
        log.atWarn().addKeyValue("kind", kind).addKeyValue("suppressed", suppressed).log(format, args);
    }

    /** @return how many lines of {@code kind} were suppressed since the last one, if one may go out at {@code now}; else -1 */
    long admit(String kind, long nowNanos) {
        return windows.computeIfAbsent(kind, k -> new Window()).admit(nowNanos, intervalNanos);
    }

    /** One kind's window: when it opened and how many lines it swallowed since. */
    private static final class Window {
        private long openedNanos;
        private long suppressed;
        private boolean opened;

        /** @return the number suppressed since the last line if this one may go out, else -1 */
        synchronized long admit(long now, long intervalNanos) {
            if (opened && now - openedNanos < intervalNanos) {
                suppressed++;
                return -1;
            }
            long count = suppressed;
            opened = true;
            openedNanos = now;
            suppressed = 0;
            return count;
        }
    }
}
