package io.escrowstore.testkit;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM-wide map from a node's data directory to its {@link DiskFaults}. With nothing
 * registered for a directory, {@link FaultInjectingServiceFactory} hands jraft its own storage.
 */
final class DiskRegistry {
    private static final Map<Path, DiskFaults> DISKS = new ConcurrentHashMap<>();

    private DiskRegistry() {
    }

    /** The faults of {@code dataDir}, registered now if they were not. */
    static DiskFaults register(Path dataDir) {
        return DISKS.computeIfAbsent(key(dataDir), DiskFaults::new);
    }

    static void unregister(Path dataDir) {
        DISKS.remove(key(dataDir));
    }

    /** The faults registered for the data directory holding {@code storageUri}, or null. */
    static DiskFaults forStorage(String storageUri) {
        Path parent = key(Path.of(storageUri)).getParent();
        return parent == null ? null : DISKS.get(parent);
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
