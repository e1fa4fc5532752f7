package io.escrowstore.raft.internal.engine;

import io.escrowstore.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.replication.SnapshotFile;

/**
 * Checks a data directory before the Raft engine opens it: the snapshot jraft would load (the
 * {@code snapshot_<index>} directory with the highest index) must pass {@link SnapshotFile#verify}.
 * A node refused here starts nothing, so a failed start leaves no threads or open files behind,
 * and the error names the file rather than an empty state ever being served.
 */
public final class StartupCheck {
    private static final Pattern SNAPSHOT_DIR = Pattern.compile("snapshot_(\\d{1,19})");

    private StartupCheck() {
    }

    /** The newest snapshot directory under {@code dataDir/snapshot}, if any. */
    public static Optional<Path> latestSnapshot(Path dataDir) throws IOException {
        Path root = dataDir.resolve("snapshot");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> SNAPSHOT_DIR.matcher(p.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(StartupCheck::index));
        }
    }

    /** @throws StoreUnavailableException naming the file if the newest snapshot is unreadable */
    public static void verify(RaftStoreConfig config, String name) {
        try {
            Optional<Path> latest = latestSnapshot(config.dataDir());
            if (latest.isEmpty()) {
                return;
            }
            Path file = latest.get().resolve(SnapshotFile.NAME);
            if (!Files.exists(file)) {
                throw new IOException("snapshot " + latest.get() + " has no " + SnapshotFile.NAME);
            }
            SnapshotFile.verify(file);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot start node " + name + ": " + e.getMessage()
                    + ". The node refuses to start rather than run from a damaged snapshot. Restore the snapshot "
                    + "directory from a backup, or move " + config.dataDir() + " away and add this node back as a "
                    + "new member (see docs/operations.md)", e);
        }
    }

    private static long index(Path dir) {
        Matcher m = SNAPSHOT_DIR.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
