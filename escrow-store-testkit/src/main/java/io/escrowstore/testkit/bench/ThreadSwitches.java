package io.escrowstore.testkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Context switches of every live thread of one process at one moment, from
 * {@code /proc/<pid>/task/<tid>/status} ({@code voluntary_ctxt_switches},
 * {@code nonvoluntary_ctxt_switches}), by thread id.
 *
 * @param byThread thread id to {voluntary, nonvoluntary}
 */
record ThreadSwitches(Map<Long, long[]> byThread) {

    /** Switches between two readings, and the threads alive at the later one. */
    record Counted(long voluntary, long nonvoluntary, long threads) {
        /** What nothing was read: every field -1. */
        static final Counted UNKNOWN = new Counted(-1, -1, -1);

        boolean known() {
            return threads >= 0;
        }

        long total() {
            return voluntary + nonvoluntary;
        }

        /** The sum of two processes' counts; unknown if either is. */
        Counted plus(Counted o) {
            return known() && o.known()
                    ? new Counted(voluntary + o.voluntary, nonvoluntary + o.nonvoluntary, threads + o.threads)
                    : UNKNOWN;
        }
    }

    /** The process's threads now; empty where there is no {@code /proc} (not Linux). */
    static Optional<ThreadSwitches> of(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return Optional.empty();
        }
        Map<Long, long[]> byThread = new HashMap<>();
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : threads.toList()) {
                read(t.resolve("status")).ifPresent(v -> byThread.put(Long.parseLong(t.getFileName().toString()), v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new ThreadSwitches(byThread));
    }

    /** The switches of a thread, or empty if it ended while being read. */
    private static Optional<long[]> read(Path status) {
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] v = new long[2];
        for (String line : lines) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                v[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                v[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return Optional.of(v);
    }

    /**
     * Switches since {@code earlier}, summed over the threads alive now: a thread started since then
     * counts from zero; a thread that ended since then is not counted at all.
     */
    Counted since(ThreadSwitches earlier) {
        long voluntary = 0;
        long nonvoluntary = 0;
        for (Map.Entry<Long, long[]> e : byThread.entrySet()) {
            long[] before = earlier.byThread.getOrDefault(e.getKey(), new long[2]);
            if (e.getValue()[0] < before[0] || e.getValue()[1] < before[1]) {
                before = new long[2]; // the id of an ended thread, reused by a new one
            }
            voluntary += e.getValue()[0] - before[0];
            nonvoluntary += e.getValue()[1] - before[1];
        }
        return new Counted(voluntary, nonvoluntary, byThread.size());
    }
}
