package io.escrowstore.testkit.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A point-in-time reading of what this process and the machine have used: process CPU time
 * ({@code com.sun.management.OperatingSystemMXBean}), GC time and count (all collectors), and the
 * machine's busy and total jiffies from {@code /proc/stat} (zero where there is none), and the
 * context switches of this process's threads ({@link ThreadSwitches}; empty where there is no
 * {@code /proc}).
 */
record Resources(long wallNanos, long processCpuNanos, long gcMillis, long gcCount, long machineBusyJiffies,
        long machineTotalJiffies, Optional<ThreadSwitches> switches) {

    static Resources now() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        long gcMillis = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        long busy = 0;
        long total = 0;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (Exception e) {
            // not Linux: machine columns stay 0
        }
        return new Resources(System.nanoTime(), cpu, gcMillis, gcCount, busy, total,
                ThreadSwitches.of(ProcessHandle.current().pid()));
    }

    /** Usage between two readings. */
    record Used(double seconds, double processCpuSeconds, long gcMillis, long gcCount, double machineBusyPct,
            ThreadSwitches.Counted switches) {
        double processCores() {
            return seconds <= 0 ? Double.NaN : processCpuSeconds / seconds;
        }

        Used plus(Used o) {
            return new Used(Math.max(seconds, o.seconds), processCpuSeconds + o.processCpuSeconds,
                    gcMillis + o.gcMillis, gcCount + o.gcCount, machineBusyPct, switches.plus(o.switches));
        }

        String encode() {
            return seconds + " " + processCpuSeconds + " " + gcMillis + " " + gcCount + " " + machineBusyPct
                    + " " + switches.voluntary() + " " + switches.nonvoluntary() + " " + switches.threads();
        }

        static Used decode(String s) {
            String[] f = s.trim().split(" ");
            return new Used(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Double.parseDouble(f[4]),
                    new ThreadSwitches.Counted(Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7])));
        }
    }

    Used until(Resources later) {
        long jiffies = later.machineTotalJiffies - machineTotalJiffies;
        return new Used((later.wallNanos - wallNanos) / 1e9, (later.processCpuNanos - processCpuNanos) / 1e9,
                later.gcMillis - gcMillis, later.gcCount - gcCount,
                jiffies <= 0 ? Double.NaN : 100.0 * (later.machineBusyJiffies - machineBusyJiffies) / jiffies,
                switches.isPresent() && later.switches.isPresent() ? later.switches.get().since(switches.get())
                        : ThreadSwitches.Counted.UNKNOWN);
    }
}
