package io.escrowstore.launcher;

import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.admin.SnapshotRestore;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code restore-snapshot}: offline, before a node of a new group first starts, seeds its (empty)
 * data directory with a backed-up snapshot; see {@link SnapshotRestore} and docs/operations.md.
 * Takes the node's data directory and the new group's members from the node's launcher properties.
 */
@Command(name = "restore-snapshot", description = "Seeds an empty data directory with a backed-up snapshot, "
        + "for a new group restored from backup. Run on every member of the new group (same backup, same "
        + "members), before its first start.")
final class RestoreSnapshotCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "The backed-up snapshot_<index> directory (__raft_snapshot_meta and channels.snap).")
    Path from;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The node's launcher properties file, as it will be started: its data-dir and members.")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RaftStoreConfig node;
        try {
            node = StoreProperties.config(NodeConfigFile.read(config));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid --config file " + config + ": " + e.getMessage(), e);
        }
        try {
            long index = SnapshotRestore.restore(from, node);
            spec.commandLine().getOut().printf("restored the snapshot at index %d into %s for members %s%n", index,
                    node.dataDir(), node.members());
            spec.commandLine().getOut().flush();
            return CommandLine.ExitCode.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("Cannot restore " + from + ": " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }
}
