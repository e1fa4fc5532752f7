package io.escrowstore.raft.internal.admin;

import io.escrowstore.raft.internal.replication.Members;
import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import com.alipay.sofa.jraft.storage.snapshot.Snapshot;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.replication.SnapshotFile;

/**
 * Seeds an empty data directory with a backed-up snapshot, for a new group restored from backup:
 * the snapshot's configuration becomes {@code config.members()}, and the node's term starts at the
 * snapshot's term so that every entry the new group appends carries a higher term than the
 * snapshot's (Raft compares logs by last term first; a restored node starting at term 0 would
 * append lower terms after the snapshot and could later elect a leader missing committed entries).
 * The snapshot file is verified (magic, format version, checksum) and copied unchanged. Public for
 * the node launcher's {@code restore-snapshot} command; run it offline, before the node first starts.
 */
public final class SnapshotRestore {
    private static final String RAFT_META = "raft_meta";

    private SnapshotRestore() {
    }

    /**
     * @param backup a copied {@code snapshot_<index>} directory: {@code __raft_snapshot_meta} and
     *     {@code channels.snap}
     * @return the log index of the restored snapshot
     * @throws IOException if the backup is unreadable or damaged, or the data directory is not empty
     */
    public static long restore(Path backup, RaftStoreConfig config) throws IOException {
        Path data = config.dataDir();
        for (String dir : List.of("log", "snapshot", "meta")) {
            if (notEmpty(data.resolve(dir))) {
                throw new IOException(data.resolve(dir) + " is not empty: restore only into a new data directory");
            }
        }
        long fileIndex = SnapshotFile.verify(backup.resolve(SnapshotFile.NAME));
        LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
        Path metaFile = backup.resolve(Snapshot.JRAFT_SNAPSHOT_META_FILE);
        if (!Files.isRegularFile(metaFile) || !table.loadFromFile(metaFile.toString()) || !table.hasMeta()) {
            throw new IOException("backup " + backup + " has no readable " + Snapshot.JRAFT_SNAPSHOT_META_FILE);
        }
        SnapshotMeta meta = table.getMeta();
        if (meta.getLastIncludedIndex() != fileIndex) {
            throw new IOException("backup " + backup + ": " + SnapshotFile.NAME + " is at index " + fileIndex
                    + " but " + Snapshot.JRAFT_SNAPSHOT_META_FILE + " says " + meta.getLastIncludedIndex());
        }
        table.setMeta(meta.toBuilder()
                .clearPeers().addAllPeers(config.members().stream().map(m -> Members.peer(m).toString()).toList())
                .clearOldPeers().clearLearners().clearOldLearners()
                .build());
        Path target = data.resolve("snapshot").resolve(Snapshot.JRAFT_SNAPSHOT_PREFIX + meta.getLastIncludedIndex());
        Files.createDirectories(target);
        Files.copy(backup.resolve(SnapshotFile.NAME), target.resolve(SnapshotFile.NAME),
                StandardCopyOption.REPLACE_EXISTING);
        if (!table.saveToFile(target.resolve(Snapshot.JRAFT_SNAPSHOT_META_FILE).toString())) {
            throw new IOException("cannot write " + target.resolve(Snapshot.JRAFT_SNAPSHOT_META_FILE));
        }
        Files.createDirectories(data.resolve("meta"));
        StablePBMeta term = StablePBMeta.newBuilder().setTerm(meta.getLastIncludedTerm())
                .setVotedfor(PeerId.emptyPeer().toString()).build();
        if (!new ProtoBufFile(data.resolve("meta").resolve(RAFT_META).toString()).save(term, true)) {
            throw new IOException("cannot write " + data.resolve("meta").resolve(RAFT_META));
        }
        return meta.getLastIncludedIndex();
    }

    private static boolean notEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }
}
